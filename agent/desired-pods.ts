/**
 * The agent's copy of its node's desired pods, built from the pods of the object feed: a full
 * set replaces it, a change removes and upserts by `namespace/name` (a pod recreated under
 * its name, with a new uid, replaces the old one). The set outlives sessions: a dropped
 * connection never empties it (DESIGN.md: the agent keeps every pod running while the
 * control plane is away); only a full set from a new session replaces it.
 */
import type { Pod } from '../api/core-v1';
import type { ObjectChange } from './feed/feed-batch';
import { ObjectSet } from './feed/object-set';

export class DesiredPods {
  private readonly pods = new ObjectSet<Pod>();
  private uids = new Set<string>();

  /** Applies one change of the feed's pods; returns whether the desired set changed. */
  apply(change: ObjectChange<Pod> | undefined): boolean {
    if (!this.pods.apply(change)) return false;
    this.uids = new Set(this.pods.list().map((p) => p.metadata.uid ?? ''));
    return true;
  }

  /** Whether a pod with this uid is desired. */
  has(uid: string): boolean {
    return this.uids.has(uid);
  }

  get size(): number {
    return this.pods.size;
  }

  /** The complete set, in a stable order (namespace/name), as PodSink.setDesired wants it. */
  list(): Pod[] {
    const key = (p: Pod): string => `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}/${p.metadata.uid}`;
    return this.pods.list().sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
}
