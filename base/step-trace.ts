/**
 * A debug trace of timed steps along a chain that crosses processes (a pod's start: the
 * ReplicaSet's create, the binding, the object feed, the agent's Docker calls, the first probe,
 * the status write). Off unless the environment variable PIKUBE_TRACE lists the topic
 * (comma-separated, or `all`); then each step is one line on stderr, which the simulated
 * cluster keeps in each component's log:
 *
 *   pikube-trace <topic> <epoch ms> <subject> <step> [detail]
 *
 * Every process on one machine reads the same wall clock, so lines from the control plane and
 * the agents can be put on one timeline (scripts/bench/pod-start-trace.ts does). Subjects and
 * steps are names of ours (namespace/name, a step word); nothing else is written.
 */

export const TRACE_PREFIX = 'pikube-trace';

/** The topics of this process, read once from PIKUBE_TRACE. */
const enabled: ReadonlySet<string> = new Set((process.env.PIKUBE_TRACE ?? '').split(',').map((t) => t.trim()).filter((t) => t !== ''));

export function tracing(topic: string): boolean {
  return enabled.has(topic) || enabled.has('all');
}

/** Writes one step of `subject` when `topic` is traced; costs one Set lookup otherwise. */
export function traceStep(topic: string, subject: string, step: string, detail?: string | number): void {
  if (!tracing(topic)) return;
  process.stderr.write(`${TRACE_PREFIX} ${topic} ${Date.now()} ${subject} ${step}${detail === undefined ? '' : ` ${detail}`}\n`);
}
