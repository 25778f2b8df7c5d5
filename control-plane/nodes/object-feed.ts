/**
 * What one node may read of the cluster (node-view.ts), streamed to its session as
 * ObjectBatch messages (proto/node.proto): one batch with the full set of every resource
 * first, then only what changed. Changes are read from the shared informers; a burst of them
 * (a Deployment scaling up, a namespace being deleted) is coalesced for `coalesceMs` into
 * one batch, and an object changed several times in that window is sent once, as it is now.
 * Resources keep the view's order in every batch.
 */
import type { ObjectSync } from '../../proto/generated/pikube/node/v1/ObjectSync';
import { guarded, SkipReporter } from '../reader-guard';
import { DisposableStore, type Disposable } from '../../base/disposable';
import type { ViewEntry } from './node-view';
import { SentObjects } from './sent-objects';

export interface ObjectFeedOptions {
  nodeName: string;
  /** What the node may read, in the order the agent applies it (nodeView). */
  view: readonly ViewEntry[];
  send(batch: ObjectSync[]): void;
  /** Default 20 ms. */
  coalesceMs?: number;
  /** Where a malformed object or a failed flush is reported. Default console.warn. */
  log?: (message: string) => void;
}

export class ObjectFeed implements Disposable {
  private readonly resources: SentObjects[];
  private readonly subscriptions = new DisposableStore();
  private readonly log: (message: string) => void;
  private timer?: NodeJS.Timeout;
  private started = false;
  private disposed = false;

  constructor(private readonly opts: ObjectFeedOptions) {
    this.log = opts.log ?? ((message) => console.warn(message));
    const skipped = new SkipReporter('object feed', this.log);
    this.resources = opts.view.map((entry) => new SentObjects(entry, opts.nodeName, skipped));
  }

  /** Sends the full set of every resource now, as one batch, and follows changes until disposed. */
  start(): void {
    if (this.disposed || this.started) return;
    this.started = true;
    for (const resource of this.resources) this.subscriptions.add(resource.follow(() => this.schedule()));
    this.opts.send(this.resources.map((resource) => resource.full()));
  }

  dispose(): void {
    this.disposed = true;
    this.subscriptions.dispose();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => guarded('object feed', this.log, () => this.flush()), this.opts.coalesceMs ?? 20);
  }

  /** One batch of every resource that changed; nothing is sent when nothing differs. */
  private flush(): void {
    this.timer = undefined;
    if (this.disposed) return;
    const batch = this.resources.map((resource) => resource.changes()).filter((sync): sync is ObjectSync => sync !== undefined);
    if (batch.length > 0) this.opts.send(batch);
  }
}
