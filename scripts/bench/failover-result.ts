/** What the failover benchmark records: one entry per run of a scenario, and p50 / max over the runs. */
import { percentile } from './stats';

/** One unplug: times from the unplug (t0), ms. */
export interface FailoverRun {
  victim: string;
  /** Replicas the victim held. */
  lost: number;
  /** Until the last failed request ended (pikube only: Swarm's tasks publish no port here). */
  serviceErrorsMs?: number;
  /** Until the last failed request was sent: every later one succeeded (the Service answered without errors from then). */
  lastFailedSentMs?: number;
  failedRequests?: number;
  requests?: number;
  /** Until every replica was ready (running, for Swarm) on the other nodes. */
  readyElsewhereMs: number;
  /** From the cable's return until the replaced copies were gone from the victim. */
  cleanedAfterReplugMs: number;
  loadAverage1m: number;
}

export interface Summary {
  p50: number;
  max: number;
  runs: number;
}

export interface ScenarioResult {
  scenario: string;
  description: string;
  runs: FailoverRun[];
  readyElsewhere?: Summary;
  serviceErrors?: Summary;
  lastFailedSent?: Summary;
  error?: string;
}

export function summary(samples: readonly number[]): Summary | undefined {
  if (samples.length === 0) return undefined;
  return { p50: percentile(samples, 50), max: Math.max(...samples), runs: samples.length };
}

export function summarise(scenario: string, description: string, runs: FailoverRun[], error?: string): ScenarioResult {
  const errors = runs.flatMap((r) => (r.serviceErrorsMs === undefined ? [] : [r.serviceErrorsMs]));
  const sent = runs.flatMap((r) => (r.lastFailedSentMs === undefined ? [] : [r.lastFailedSentMs]));
  return { scenario, description, runs, readyElsewhere: summary(runs.map((r) => r.readyElsewhereMs)), serviceErrors: summary(errors), lastFailedSent: summary(sent), error };
}

export function seconds(ms: number | undefined): string {
  return ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`;
}

export function describeSummary(s: Summary | undefined): string {
  return s === undefined ? '–' : `p50 ${seconds(s.p50)}, max ${seconds(s.max)} (${s.runs} runs)`;
}
