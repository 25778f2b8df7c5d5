/**
 * Delivers a stream of items to one subscriber, in order, with a bounded backlog (STYLE rule 16:
 * memory stays bounded on a 1 GiB Pi).
 *
 * A subscriber that returns nothing is called synchronously from `push`. One that returns a
 * promise is busy until it settles, and items wait meanwhile; when more than `limit` items
 * wait, the backlog is dropped, `push` returns false and nothing more is delivered: the owner
 * ends the subscription so the subscriber re-lists instead of falling ever further behind.
 */
export type Deliver<E> = (item: E) => void | Promise<void>;

export class BoundedDelivery<E> {
  private queue: E[] = [];
  private busy = false;
  private stopped = false;
  private last?: () => void;

  constructor(
    private readonly limit: number,
    private readonly deliver: Deliver<E>,
    private readonly reportFailure: (err: unknown) => void,
  ) {}

  /** Queues an item; false once stopped or when the backlog overflowed (which stops it). */
  push(item: E): boolean {
    if (this.stopped || this.last) return false;
    if (this.queue.length >= this.limit) {
      this.stop();
      return false;
    }
    this.queue.push(item);
    void this.pump();
    return true;
  }

  /** Delivers what is queued, then calls `last` once (the subscription's final word). */
  finish(last: () => void): void {
    if (this.stopped || this.last) return;
    this.last = last;
    void this.pump();
  }

  /** Drops the backlog; nothing is delivered afterwards. */
  stop(): void {
    this.stopped = true;
    this.queue = [];
  }

  get backlog(): number {
    return this.queue.length;
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (!this.stopped && this.queue.length > 0) {
        const pending = this.deliverOne(this.queue.shift() as E);
        if (pending) await pending; // `await undefined` would still defer synchronous subscribers
      }
      this.runLast();
    } finally {
      this.busy = false;
    }
  }

  /** Awaits only a subscriber that returned a promise, so synchronous ones are served in `push`. */
  private deliverOne(item: E): Promise<void> | undefined {
    try {
      const result = this.deliver(item);
      return result instanceof Promise ? result.catch(this.reportFailure) : undefined;
    } catch (err) {
      this.reportFailure(err);
      return undefined;
    }
  }

  private runLast(): void {
    if (this.stopped || !this.last) return;
    this.stopped = true;
    const last = this.last;
    try {
      last();
    } catch (err) {
      this.reportFailure(err);
    }
  }
}
