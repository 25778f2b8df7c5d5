/**
 * Waiting on a promise that others share, without owning it: the waiter's signal ends only its
 * own wait (rejecting with the signal's reason); the work goes on for whoever else waits.
 */

/** `promise`'s outcome, or the signal's reason once it aborts first. The listener is always removed. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
