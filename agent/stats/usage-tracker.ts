/**
 * Turns samples of cumulative counters into the usage the control plane serves (pure, no I/O):
 * the CPU rate of each container and of the node over the window since its previous sample,
 * or, when first seen, since it started (metrics-server's rule for a first scrape: the counter
 * was 0 at the start time). Memory is the working set as sampled. A counter that went back (a
 * reset) or a window of no time gives no figure until the next sample.
 */
import type { PodRef } from '../../proto/generated/pikube/node/v1/PodRef';
import type { ResourceUsage__Output } from '../../proto/generated/pikube/node/v1/ResourceUsage';
import type { UsageSample } from './cgroup-usage';

export interface CounterPoint {
  cpuNs: number;
  atMs: number;
}

/** One running container of a pod, sampled. */
export interface ContainerSample {
  /** The runtime's container id: a restarted container is a new one. */
  id: string;
  pod: Required<PodRef>;
  name: string;
  startedAtMs: number;
  usage: UsageSample;
}

/** A proto UsageReport as the tracker makes it: every field set. */
export interface TrackedReport {
  timestamp_unix_ms: number;
  node: ResourceUsage__Output | null;
  pods: { pod: Required<PodRef>; containers: { name: string; usage: ResourceUsage__Output }[] }[];
}

/** A sampled thing: its counters now, and since when they count. */
interface Sampled {
  key: string;
  startedAtMs: number;
  usage: UsageSample;
}

/** The usage over the window from `previous` to `current`; undefined when there is no sound figure. */
export function usageBetween(previous: CounterPoint, current: CounterPoint, workingSetBytes: number): ResourceUsage__Output | undefined {
  const windowMs = current.atMs - previous.atMs;
  const cpuNs = current.cpuNs - previous.cpuNs;
  if (windowMs <= 0 || cpuNs < 0) return undefined;
  return { cpu_nano_cores: Math.round((cpuNs * 1000) / windowMs), memory_working_set_bytes: Math.round(workingSetBytes), window_ms: windowMs };
}

export class UsageTracker {
  private previous = new Map<string, CounterPoint>();

  /** The report for samples taken at `nowMs`; remembers them as the next report's starting points. */
  report(nowMs: number, node: UsageSample & { startedAtMs: number }, containers: readonly ContainerSample[]): TrackedReport {
    const next = new Map<string, CounterPoint>();
    const usageOf = (s: Sampled): ResourceUsage__Output | undefined => {
      const current = { cpuNs: s.usage.cpuNs, atMs: nowMs };
      next.set(s.key, current);
      return usageBetween(this.previous.get(s.key) ?? { cpuNs: 0, atMs: s.startedAtMs }, current, s.usage.workingSetBytes);
    };
    const nodeUsage = usageOf({ key: 'node', startedAtMs: node.startedAtMs, usage: node });
    const pods = new Map<string, { pod: Required<PodRef>; containers: { name: string; usage: ResourceUsage__Output }[] }>();
    for (const c of containers) {
      const usage = usageOf({ key: `container/${c.id}`, startedAtMs: c.startedAtMs, usage: c.usage });
      if (!usage) continue;
      const entry = pods.get(c.pod.uid) ?? { pod: c.pod, containers: [] };
      entry.containers.push({ name: c.name, usage });
      pods.set(c.pod.uid, entry);
    }
    this.previous = next;
    return { timestamp_unix_ms: nowMs, node: nodeUsage ?? null, pods: [...pods.values()] };
  }
}
