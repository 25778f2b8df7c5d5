/**
 * A fixed-capacity ring of the most recent items, oldest first: the watch cache's window of
 * recent events (the apiserver's watchCache keeps one too). Pushing into a full ring evicts
 * the oldest item, which `push` returns so the owner can move its "oldest served" mark.
 */
export class EventRing<T> {
  private readonly slots: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, not ${capacity}`);
    this.slots = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Appends; returns the evicted oldest item when the ring was full. */
  push(item: T): T | undefined {
    if (this.count < this.capacity) {
      this.slots[(this.start + this.count++) % this.capacity] = item;
      return undefined;
    }
    const evicted = this.slots[this.start];
    this.slots[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    return evicted;
  }

  /** Items from the first one `from` accepts to the newest (items are ordered, so a binary search). */
  since(from: (item: T) => boolean): T[] {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (from(this.at(mid))) hi = mid;
      else lo = mid + 1;
    }
    const out: T[] = [];
    for (let i = lo; i < this.count; i++) out.push(this.at(i));
    return out;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.start = 0;
    this.count = 0;
  }

  private at(index: number): T {
    return this.slots[(this.start + index) % this.capacity] as T;
  }
}
