/**
 * One preflight finding. `fail` means the process must not go on as it is (it refuses to
 * start, or waits, for the clock); `warn` means it runs, and the operator should read `fix`.
 */
export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  /** Stable name of the check, e.g. `swap`, `clock`, `memory-cgroup`. */
  name: string;
  status: CheckStatus;
  message: string;
  /** What to do about it, in words a Pi owner can paste: a file and a line, a command. */
  fix?: string;
}

const RANK: Record<CheckStatus, number> = { pass: 0, warn: 1, fail: 2 };

export function worstStatus(results: CheckResult[]): CheckStatus {
  return results.reduce<CheckStatus>((worst, r) => (RANK[r.status] > RANK[worst] ? r.status : worst), 'pass');
}

/** `WARN  swap: swap is on …\n      fix: …` — the `preflight` subcommand's output. */
export function formatResult(r: CheckResult): string {
  const head = `${r.status.toUpperCase().padEnd(5)} ${r.name}: ${r.message}`;
  return r.fix ? `${head}\n      fix: ${r.fix}` : head;
}
