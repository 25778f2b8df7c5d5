/**
 * The Metrics API's objects from the agents' usage reports (usage-reports.ts; with several
 * replicas, every replica's: cluster-node-figures.ts), as
 * metrics-server builds them: a NodeMetrics per node that reported and still exists, a
 * PodMetrics per pod that reported and is still bound to that node under the same uid; labels
 * are the node's or the pod's (so `kubectl top pod -l` selects), `creationTimestamp` the time of
 * the answer, `timestamp` the sample's time, `window` the span of the CPU rate. A node or pod
 * with no report yet is absent (kubectl then says "metrics not available yet").
 */
import type { Node, Pod } from '../../api/core-v1';
import { formatDuration } from '../../api/duration';
import { metaTime } from '../../api/meta-time';
import type { NodeMetrics, PodMetrics, UsageList } from '../../api/metrics-v1beta1';
import { Quantity } from '../../api/quantity';
import type { LiveObjects } from '../registry/live-objects';
import type { Usage, ValidUsageReport } from './agent-message-validation';

/** The latest usage report of each node: this replica's UsageReports, or every replica's (cluster-node-figures.ts). */
export interface UsageSource {
  entries(): [string, ValidUsageReport][] | Promise<[string, ValidUsageReport][]>;
}

/** What the sources read of the cluster: the informers' caches, by `name` or `namespace/name`. */
export interface CachedObjects<T> {
  get(key: string): T | undefined;
}

/** `123456789n` → `123456789n`, `12000000n` → `12m` (a nanocore quantity); bytes as `10240Ki` or a plain number. */
export function usageList(usage: Pick<Usage, 'cpuNanoCores' | 'memoryBytes'>): UsageList {
  return {
    cpu: Quantity.fromNanos(BigInt(usage.cpuNanoCores)).canonical(),
    memory: Quantity.fromValue(BigInt(usage.memoryBytes), 'BinarySI').canonical(),
  };
}

export function nodeMetricsOf(node: Node, report: ValidUsageReport & { node: Usage }, now: Date): NodeMetrics {
  return {
    kind: 'NodeMetrics', apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: node.metadata.name, creationTimestamp: metaTime(now), ...(node.metadata.labels ? { labels: { ...node.metadata.labels } } : {}) },
    timestamp: metaTime(new Date(report.timestampMs)),
    window: formatDuration(report.node.windowMs),
    usage: usageList(report.node),
  };
}

export function podMetricsOf(pod: Pod, timestampMs: number, containers: ValidUsageReport['pods'][number]['containers'], now: Date): PodMetrics {
  const { name, namespace, labels } = pod.metadata;
  return {
    kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name, namespace, creationTimestamp: metaTime(now), ...(labels ? { labels: { ...labels } } : {}) },
    timestamp: metaTime(new Date(timestampMs)),
    window: formatDuration(Math.max(...containers.map((c) => c.usage.windowMs))),
    containers: containers.map((c) => ({ name: c.name, usage: usageList(c.usage) })),
  };
}

export function nodeMetricsSource(usage: UsageSource, nodes: CachedObjects<Node>, now: () => Date = () => new Date()): LiveObjects<NodeMetrics> {
  return {
    list: async () => (await usage.entries()).flatMap(([nodeName, report]) => {
      const node = nodes.get(nodeName);
      return node && report.node ? [nodeMetricsOf(node, { ...report, node: report.node }, now())] : [];
    }),
  };
}

export function podMetricsSource(usage: UsageSource, pods: CachedObjects<Pod>, now: () => Date = () => new Date()): LiveObjects<PodMetrics> {
  return {
    list: async (namespace) => (await usage.entries()).flatMap(([nodeName, report]) => report.pods.flatMap(({ ref, containers }) => {
      if (namespace !== undefined && ref.namespace !== namespace) return [];
      const pod = pods.get(`${ref.namespace}/${ref.name}`);
      const current = pod && pod.metadata.uid === ref.uid && pod.spec.nodeName === nodeName && containers.length > 0;
      return current ? [podMetricsOf(pod, report.timestampMs, containers, now())] : [];
    })),
  };
}
