/**
 * exec probes (pkg/probe/exec): the command runs in the container through the runtime; exit
 * code 0 succeeds, any other fails with the command's output; a command still running at the
 * timeout fails with `command "<cmd>" timed out` (ExecProbeTimeout, GA since 1.20). A command
 * that cannot be run at all (container gone, runtime error) errors: the result is thrown away.
 *
 * As the kubelet (ExpandContainerCommandOnlyStatic), `$(VAR)` in the command expands only from
 * the container's literal `env` values; a `valueFrom` variable expands to the empty string.
 */
import type { Container } from '../../api/core-v1';
import { ExecTimeoutError, type ContainerRuntime } from '../runtime/container-runtime';
import { expandVars } from '../pods/env-expansion';
import { errored, MAX_PROBE_OUTPUT_BYTES, outcome, type ProbeOutcome } from './probe-outcome';

/** The one runtime call the prober needs. */
export type ProbeExecRuntime = Pick<ContainerRuntime, 'exec'>;

export function expandProbeCommand(command: string[], container: Container): string[] {
  const env = new Map((container.env ?? []).map((e) => [e.name, e.value ?? '']));
  return command.map((arg) => expandVars(arg, (name) => env.get(name)));
}

/**
 * Runs the command once. The runtime enforces `timeoutMs`; `deadline` (the same timeout on the
 * prober's clock) enforces it too, should the runtime be late. `stop` abandons the attempt.
 */
export async function execProbe(runtime: ProbeExecRuntime, containerId: string, command: string[], timeoutMs: number, stop: AbortSignal, deadline: AbortSignal): Promise<ProbeOutcome> {
  stop.throwIfAborted();
  if (command.length === 0) return errored('exec probe has no command');
  try {
    const signal = AbortSignal.any([stop, deadline]);
    const res = await runtime.exec(containerId, command, { timeoutMs, signal, maxOutputBytes: MAX_PROBE_OUTPUT_BYTES });
    return outcome(res.exitCode === 0 ? 'success' : 'failure', res.output);
  } catch (err) {
    stop.throwIfAborted();
    if (err instanceof ExecTimeoutError || deadline.aborted) return outcome('failure', `command ${JSON.stringify(command.join(' '))} timed out`);
    return errored(err instanceof Error ? err.message : String(err));
  }
}
