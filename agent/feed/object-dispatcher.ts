/**
 * Hands each ObjectBatch from the control plane to the agent's consumers of its resources:
 * one table from resource to consumer, so adding a kind an agent needs is one entry. A batch
 * is decoded once (feed-batch.ts; malformed entries are skipped with a log line) and each
 * consumer concerned gets it once, in the table's order, so a consumer of several resources
 * (services and their EndpointSlices) applies them as one step. A consumer that throws is
 * logged; the others still run.
 */
import type { KubeObject } from '../../api/meta';
import type { ObjectSync__Output } from '../../proto/generated/pikube/node/v1/ObjectSync';
import { decodeBatch, type FeedBatch, type FeedKind } from './feed-batch';

export interface FeedConsumer {
  /** For log lines. */
  readonly name: string;
  readonly kinds: readonly FeedKind<KubeObject>[];
  /** Called with every batch that holds one of `kinds`. */
  apply(batch: FeedBatch): void;
}

export class ObjectDispatcher {
  private readonly kinds: FeedKind<KubeObject>[];

  constructor(private readonly consumers: readonly FeedConsumer[], private readonly log: (message: string) => void) {
    this.kinds = consumers.flatMap((consumer) => consumer.kinds);
  }

  dispatch(syncs: readonly ObjectSync__Output[]): void {
    const { batch, errors } = decodeBatch(syncs, this.kinds);
    for (const error of errors) this.log(`object feed entry skipped: ${error}`);
    for (const consumer of this.consumers) {
      if (consumer.kinds.some((kind) => batch.has(kind.resource))) this.safely(consumer, batch);
    }
  }

  private safely(consumer: FeedConsumer, batch: FeedBatch): void {
    try {
      consumer.apply(batch);
    } catch (err: unknown) {
      this.log(`applying the ${consumer.name} of the object feed failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
