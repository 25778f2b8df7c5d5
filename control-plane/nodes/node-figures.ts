/**
 * What a replica knows of each node it has heard from, for the live kinds served from the
 * sessions: when the agent last spoke (a node Lease's renewTime, node-leases.ts) and its latest
 * usage report (the Metrics API, metrics-sources.ts). A replica knows this only of the agents
 * connected to it; ReplicaService.NodeFigures carries it to the others (cluster-node-figures.ts).
 * Converted here between memory and the wire; what comes from the wire is checked as an agent's
 * report is, and an entry that fails is dropped.
 */
import type { NodeFigures, NodeFigures__Output } from '../../proto/generated/pikube/node/v1/NodeFigures';
import type { ResourceUsage } from '../../proto/generated/pikube/node/v1/ResourceUsage';
import type { UsageReport } from '../../proto/generated/pikube/node/v1/UsageReport';
import { validateUsageReport, type Usage, type ValidUsageReport } from './agent-message-validation';

export interface NodeFigure {
  nodeName: string;
  /** When the agent last spoke (Unix ms, the holder's clock); absent: never. */
  lastSeenMs?: number;
  usage?: ValidUsageReport;
}

/** This replica's figures: every node its liveness has heard, with the latest usage report of those still connected. */
export function localNodeFigures(liveness: { lastSeenTimes(): ReadonlyMap<string, number> }, usage: { entries(): [string, ValidUsageReport][] }): NodeFigure[] {
  const byNode = new Map<string, NodeFigure>();
  for (const [nodeName, lastSeenMs] of liveness.lastSeenTimes()) byNode.set(nodeName, { nodeName, lastSeenMs });
  for (const [nodeName, report] of usage.entries()) byNode.set(nodeName, { ...byNode.get(nodeName), nodeName, usage: report });
  return [...byNode.values()];
}

function usageToWire(u: Usage): ResourceUsage {
  return { cpu_nano_cores: u.cpuNanoCores, memory_working_set_bytes: u.memoryBytes, window_ms: u.windowMs };
}

function reportToWire(r: ValidUsageReport): UsageReport {
  return {
    timestamp_unix_ms: r.timestampMs,
    ...(r.node ? { node: usageToWire(r.node) } : {}),
    pods: r.pods.map((p) => ({ pod: p.ref, containers: p.containers.map((c) => ({ name: c.name, usage: usageToWire(c.usage) })) })),
  };
}

export function figuresToWire(figures: NodeFigure[]): NodeFigures[] {
  return figures.map((f) => ({ node_name: f.nodeName, last_seen_unix_ms: f.lastSeenMs ?? 0, ...(f.usage ? { usage: reportToWire(f.usage) } : {}) }));
}

/** Another replica's figures, checked; an entry that fails is dropped (reported through `onInvalid`). */
export function figuresFromWire(wire: NodeFigures__Output[], onInvalid: (message: string) => void = () => undefined): NodeFigure[] {
  return wire.flatMap((f) => {
    if (f.node_name === '' || f.node_name.length > 253) return [];
    try {
      const lastSeenMs = Number.isSafeInteger(f.last_seen_unix_ms) && f.last_seen_unix_ms > 0 ? f.last_seen_unix_ms : undefined;
      return [{ nodeName: f.node_name, ...(lastSeenMs ? { lastSeenMs } : {}), ...(f.usage ? { usage: validateUsageReport(f.usage) } : {}) }];
    } catch (err: unknown) {
      onInvalid(`node "${f.node_name}": ${err instanceof Error ? err.message : String(err)}`);
      return [];
    }
  });
}

/** One figure per node: the latest time heard and the newest report, whichever replica had them. */
export function mergeNodeFigures(figures: NodeFigure[]): Map<string, NodeFigure> {
  const merged = new Map<string, NodeFigure>();
  for (const f of figures) {
    const seen = merged.get(f.nodeName);
    const lastSeenMs = Math.max(seen?.lastSeenMs ?? 0, f.lastSeenMs ?? 0) || undefined;
    const usage = !seen?.usage || (f.usage && f.usage.timestampMs > seen.usage.timestampMs) ? f.usage ?? seen?.usage : seen.usage;
    merged.set(f.nodeName, { nodeName: f.nodeName, ...(lastSeenMs ? { lastSeenMs } : {}), ...(usage ? { usage } : {}) });
  }
  return merged;
}
