/**
 * The vocabulary of the prober, as the kubelet's (pkg/probe and pkg/kubelet/prober/results):
 * one probe attempt ends in an outcome (success, warning, failure or unknown, with its output,
 * or an error when it could not be made); a worker turns outcomes into a result per container.
 */

export type ProbeType = 'liveness' | 'readiness' | 'startup';

/** A probe's standing for one container (results.Result). */
export type ProbeResult = 'Success' | 'Failure' | 'Unknown';

/** pkg/probe.Result: what a single attempt found. A warning counts as a success. */
export type AttemptResult = 'success' | 'warning' | 'failure' | 'unknown';

export interface ProbeOutcome {
  result: AttemptResult;
  /** The body, command output or failure text the kubelet puts in its events. */
  output: string;
  /** Set when the attempt could not be made (bad port, runtime error): the result is thrown away. */
  error?: string;
}

export function outcome(result: AttemptResult, output = ''): ProbeOutcome {
  return { result, output };
}

export function errored(error: string, result: AttemptResult = 'unknown'): ProbeOutcome {
  return { result, output: '', error };
}

/** `Liveness`, `Readiness`, `Startup`: how the kubelet names a probe type in its events. */
export function probeTypeName(type: ProbeType): string {
  return `${type[0].toUpperCase()}${type.slice(1)}`;
}

/** The kubelet's User-Agent for probes: `kube-probe/<major>.<minor>`. */
export const PROBE_USER_AGENT = 'kube-probe/1.32';

/** The kubelet keeps at most this much of a probe's body or output (pkg/probe maxReadLength). */
export const MAX_PROBE_OUTPUT_BYTES = 10 * 1024;
