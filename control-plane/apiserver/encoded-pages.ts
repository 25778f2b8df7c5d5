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

interface Pending {
  stateVersion: number;
  bytes: Promise<Buffer>;
}

export class EncodedPages {
  private readonly entries = new Map<string, Entry>();
  /** Encodings being made asynchronously: requests asking meanwhile wait for the same one. */
  private readonly pending = new Map<string, Pending>();
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

  /** As `take`, for an encoding made asynchronously (a gzip off the event loop): made once however many ask. */
  takeAsync(key: string, stateVersion: number, encode: () => Promise<Buffer>): Promise<Buffer> {
    const hit = this.entries.get(key);
    if (hit?.stateVersion === stateVersion) {
      this.remove(key, hit);
      return Promise.resolve(this.keep(key, hit).bytes);
    }
    const making = this.pending.get(key);
    if (making?.stateVersion === stateVersion) return making.bytes;
    const bytes = encode();
    const entry = { stateVersion, bytes };
    this.pending.set(key, entry);
    const settle = (): void => {
      if (this.pending.get(key) === entry) this.pending.delete(key);
    };
    bytes.then((made) => {
      const current = this.entries.get(key);
      if (this.pending.get(key) === entry) {
        if (current) this.remove(key, current);
        this.keep(key, { stateVersion, bytes: made });
      }
      settle();
    }, settle);
    return bytes;
  }

  clear(): void {
    this.pending.clear();
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
