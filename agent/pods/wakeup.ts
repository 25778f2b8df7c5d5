/**
 * A worker's doorbell: `poke()` wakes a pending `wait()`, or the next one if none is pending
 * (a poke is never lost). The wait also ends at its deadline or when the signal aborts.
 * Holds a timer only while waiting, and always clears it.
 */
export class Wakeup {
  private pending = false;
  private wakeWaiter: (() => void) | undefined;

  poke(): void {
    this.pending = true;
    this.wakeWaiter?.();
  }

  /** Resolves on a poke, after `ms` (undefined: no deadline) or on abort. Never rejects. */
  wait(ms: number | undefined, signal: AbortSignal): Promise<void> {
    if (this.pending || signal.aborted) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wakeWaiter = undefined;
        this.pending = false;
        resolve();
      };
      const timer = ms === undefined ? undefined : setTimeout(done, Math.max(0, ms));
      signal.addEventListener('abort', done, { once: true });
      this.wakeWaiter = done;
    });
  }
}
