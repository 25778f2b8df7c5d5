/** Polls a condition until it holds: real-part code waits on conditions, never on sleeps. */
export interface UntilOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Describes the last observed state for the failure message. */
  describe?: () => string | Promise<string>;
}

export async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, opts: UntilOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
  const state = opts.describe ? await opts.describe() : lastError instanceof Error ? lastError.message : String(lastError ?? 'condition false');
  throw new Error(`timed out after ${opts.timeoutMs} ms; last observed: ${state}`);
}
