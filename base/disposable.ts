/**
 * Lifetimes (STYLE rule 14): whatever holds a timer, listener, stream, watch or child process
 * is a Disposable, registered with its owner. An owner keeps one DisposableStore instead of
 * its own array of subscriptions, and disposes it once (VS Code's `DisposableStore` shape).
 */

export interface Disposable {
  /** Releases what the object holds. Must be idempotent. */
  dispose(): void;
}

export function toDisposable(release: () => void): Disposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      release();
    },
  };
}

/**
 * Holds disposables until it is disposed, then disposes every one of them (in reverse order of
 * registration, as teardown mirrors setup), even when one throws; the failures are rethrown
 * together as an AggregateError. Added after dispose, a disposable is disposed at once.
 */
export class DisposableStore implements Disposable {
  private readonly held = new Set<Disposable>();
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.held.add(item);
    return item;
  }

  /** Disposes one item now and stops holding it. */
  delete(item: Disposable): void {
    if (this.held.delete(item)) item.dispose();
  }

  /** Disposes what is held and keeps the store usable (an owner's per-term resources). */
  clear(): void {
    const items = [...this.held].reverse();
    this.held.clear();
    const failures: unknown[] = [];
    for (const item of items) {
      try {
        item.dispose();
      } catch (err: unknown) {
        failures.push(err);
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, `${failures.length} of ${items.length} disposables failed`);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clear();
  }
}
