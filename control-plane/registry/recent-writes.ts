/**
 * The objects this registry wrote last, by store key: where a write starts when the watch cache
 * has not yet seen the previous one (a client's PATCH right after its POST, a DELETE right after
 * a PATCH). Without it such a write reads etcd first, or fails its compare-and-swap on the
 * cache's older copy and tries again: a second etcd round trip for one request.
 *
 * A copy here is a start, never an answer: the compare-and-swap checks it, as it checks the
 * cache's (guaranteed-update.ts), so one made stale by another replica costs a retry, not a lost
 * update. A copy is dropped once the cache holds that version or a newer one, when the object is
 * removed, and the oldest go past `maxEntries`. Copies are private: what callers get back is
 * never what is kept here.
 */
import type { KubeObject } from '../../api/meta';

/** Enough for every client of a busy API server to find its own last write; 1–2 MB of pods (≈ 2.5–3.5 KiB each). */
const DEFAULT_MAX_ENTRIES = 500;

/** A copy as its JSON text (cheaper to take than a structured clone; parsed only when a write starts from it). */
interface Copy {
  revision: number;
  json: string;
}

export class RecentWrites {
  private readonly copies = new Map<string, Copy>();

  constructor(private readonly maxEntries = DEFAULT_MAX_ENTRIES) {}

  get size(): number {
    return this.copies.size;
  }

  /** `object` was just stored at `key` (it carries its new resourceVersion). */
  wrote(key: string, object: KubeObject): void {
    this.copies.delete(key);
    if (this.copies.size >= this.maxEntries) this.copies.delete(this.copies.keys().next().value as string);
    this.copies.set(key, { revision: revisionOf(object), json: JSON.stringify(object) });
  }

  /** The object at `key` is gone. */
  removed(key: string): void {
    this.copies.delete(key);
  }

  /**
   * The newer of the cache's copy and ours (read-only either way); ours is dropped once the
   * cache has its version.
   */
  newest<T extends KubeObject>(key: string, cached: T | undefined): T | undefined {
    const ours = this.copies.get(key);
    if (ours === undefined) return cached;
    if (cached !== undefined && revisionOf(cached) >= ours.revision) {
      this.copies.delete(key);
      return cached;
    }
    return JSON.parse(ours.json) as T;
  }
}

function revisionOf(object: KubeObject): number {
  return Number(object.metadata.resourceVersion ?? 0);
}
