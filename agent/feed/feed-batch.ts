/**
 * One batch of the object feed as the agent reads it (proto ObjectBatch): each resource's
 * change, its objects decoded and checked against the shape the agent reads (feed-kinds.ts).
 * What the control plane validated is checked again here: an entry that is not JSON or not
 * of its kind's shape, or a resource this agent does not know (a newer control plane), is
 * left out with a reason, never a crash, and every other entry still applies.
 */
import type { KubeObject } from '../../api/meta';
import type { ObjectSync__Output } from '../../proto/generated/pikube/node/v1/ObjectSync';

/** With `full` the objects replace everything known of the resource; otherwise `removed` keys go first, then the objects are upserted by key. */
export interface ObjectChange<T> {
  full: boolean;
  objects: T[];
  removed: string[];
}

/** A resource the agent reads from the feed, and the shape it reads it in. */
export interface FeedKind<T extends KubeObject> {
  readonly resource: string;
  /** `value` as an object of this kind; throws naming what is wrong with it. */
  decode(value: unknown): T;
}

/** The changes of one batch by resource; immutable. */
export class FeedBatch {
  private constructor(private readonly changes: ReadonlyMap<string, ObjectChange<KubeObject>>) {}

  static empty(): FeedBatch {
    return new FeedBatch(new Map());
  }

  /** This batch with `kind`'s change set (replacing any it had). */
  with<T extends KubeObject>(kind: FeedKind<T>, change: ObjectChange<T>): FeedBatch {
    return new FeedBatch(new Map([...this.changes, [kind.resource, change]]));
  }

  /** The change of `kind` in this batch; undefined when it has none. */
  of<T extends KubeObject>(kind: FeedKind<T>): ObjectChange<T> | undefined {
    // Set only through `with`, which ties a resource's change to its kind's type.
    return this.changes.get(kind.resource) as ObjectChange<T> | undefined;
  }

  has(resource: string): boolean {
    return this.changes.has(resource);
  }
}

export interface DecodedBatch {
  batch: FeedBatch;
  /** Entries and resources left out, each with its reason. */
  errors: string[];
}

/** Decodes the syncs of a batch with the kinds the agent knows. */
export function decodeBatch(syncs: readonly ObjectSync__Output[], kinds: readonly FeedKind<KubeObject>[]): DecodedBatch {
  const errors: string[] = [];
  let batch = FeedBatch.empty();
  for (const sync of syncs) {
    const kind = kinds.find((k) => k.resource === sync.resource);
    if (!kind) errors.push(`resource ${JSON.stringify(sync.resource)}: unknown to this agent`);
    else if (batch.has(sync.resource)) errors.push(`resource ${sync.resource}: sent twice in one batch`);
    else batch = batch.with(kind, { full: sync.full, objects: decodeEach(kind, sync.objects_json, errors), removed: [...sync.removed] });
  }
  return { batch, errors };
}

function decodeEach<T extends KubeObject>(kind: FeedKind<T>, entries: readonly Buffer[], errors: string[]): T[] {
  const out: T[] = [];
  entries.forEach((json, i) => {
    try {
      out.push(kind.decode(JSON.parse(json.toString('utf8'))));
    } catch (err: unknown) {
      errors.push(`${kind.resource}[${i}]: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return out;
}
