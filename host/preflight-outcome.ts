/**
 * What a process does with its preflight: each finding logged at its level; `refusals` are the
 * failures that stop a start (an unset clock is not one: the process waits for the clock
 * instead, host/clock-wait.ts); the `preflight` subcommand prints them all and exits 1 on any
 * failure.
 */
import type { Logger } from 'pino';
import { formatResult, worstStatus, type CheckResult } from './check-result';

export function logResults(logger: Logger, results: CheckResult[]): void {
  for (const r of results) {
    const fields = { check: r.name, ...(r.fix ? { fix: r.fix } : {}) };
    if (r.status === 'pass') logger.info(fields, `preflight ${r.name}: ${r.message}`);
    else if (r.status === 'warn') logger.warn(fields, `preflight ${r.name}: ${r.message}`);
    else logger.error(fields, `preflight ${r.name}: ${r.message}`);
  }
}

export function refusals(results: CheckResult[]): CheckResult[] {
  return results.filter((r) => r.status === 'fail' && r.name !== 'clock');
}

/** The subcommand's output and exit code. */
export function printedReport(results: CheckResult[]): { text: string; exitCode: number } {
  const worst = worstStatus(results);
  const summary = worst === 'pass' ? 'all checks passed' : worst === 'warn' ? 'warnings only: pikube runs, read the fixes' : 'failures: pikube refuses to start until they are fixed';
  return { text: `${results.map(formatResult).join('\n')}\n${summary}\n`, exitCode: worst === 'fail' ? 1 : 0 };
}
