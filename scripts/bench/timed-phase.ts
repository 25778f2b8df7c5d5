/**
 * One timed phase of a side-by-side benchmark: a command (a CLI run as a user would), then
 * the wait for its goal. Timed from just before the command starts to the moment the goal was
 * sighted (`at`, a performance.now() reading), with the named processes' usage over it.
 */
import { measureUsage } from './process-usage';
import type { PhaseResult } from './rollout-result';

export interface Sighted<T> {
  at: number;
  value: T;
}

export async function timedPhase<T>(pids: Record<string, number | undefined>, command: () => Promise<void>, goal: () => Promise<Sighted<T>>): Promise<{ phase: PhaseResult; value: T }> {
  const { value, usage, loadAverage1m } = await measureUsage(pids, async () => {
    const start = performance.now();
    await command();
    const commandMs = performance.now() - start;
    const sighted = await goal();
    return { ms: Math.round(sighted.at - start), commandMs: Math.round(commandMs), value: sighted.value };
  });
  return { phase: { ms: value.ms, commandMs: value.commandMs, usage, loadAverage1m }, value: value.value };
}
