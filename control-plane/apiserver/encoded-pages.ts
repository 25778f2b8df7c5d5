/**
 * Encoded items of LIST answers from one watch cache, shared by identical requests while the
 * cache's state is unchanged: a burst of clients listing the same collection (informers
 * re-listing after a restart, dashboards, scripts polling) costs one encoding, not one each,
 * and holds one buffer in memory instead of one per request in flight.
 *
 * An entry is valid for the state version it was made from (cache-list.ts CachePage); the
 * owner clears everything when the state changes. Bounded by bytes, least recently used
 * first out; an encoding larger than the bound is used once and not kept.
 */

interface Entry {
  stateVersion: number;
  bytes: Buffer;
}

export class EncodedPages {
  private readonly entries = new Map<string, Entry>();
  private bytesHeld = 0;

  constructor(readonly maxBytes: number) {}

  get heldBytes(): number {
    return this.bytesHeld;
  }

  /** The encoding named `key` of the state at `stateVersion`: kept, or made by `encode` and kept. */
  take(key: string, stateVersion: number, encode: () => Buffer): Buffer {
    const hit = this.entries.get(key);
    if (hit) this.remove(key, hit);
    if (hit?.stateVersion === stateVersion) return this.keep(key, hit).bytes;
    return this.keep(key, { stateVersion, bytes: encode() }).bytes;
  }

  clear(): void {
    this.entries.clear();
    this.bytesHeld = 0;
  }

  /** Adds the entry as the most recently used, evicting the least recently used ones to make room. */
  private keep(key: string, entry: Entry): Entry {
    if (entry.bytes.length > this.maxBytes) return entry;
    for (const [oldKey, old] of this.entries) {
      if (this.bytesHeld + entry.bytes.length <= this.maxBytes) break;
      this.remove(oldKey, old);
    }
    this.entries.set(key, entry);
    this.bytesHeld += entry.bytes.length;
    return entry;
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytesHeld -= entry.bytes.length;
  }
}
