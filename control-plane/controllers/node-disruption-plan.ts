/**
 * The guard of Kubernetes' node lifecycle controller against evicting pods for a failure that
 * is not the nodes' (pkg/controller/nodelifecycle, handleDisruption and ComputeZoneState,
 * 1.32): nodes are grouped in zones (`topology.kubernetes.io/region` and `…/zone` labels; a Pi
 * cluster without them is one zone), and each zone is
 *
 * - FullDisruption: no node of it is ready;
 * - PartialDisruption: more than 2 nodes are not ready, and at least `--unhealthy-zone-threshold`
 *   (0.55) of them;
 * - Normal otherwise.
 *
 * The NoExecute taints that evict pods (not-ready, unreachable) go on at most
 * `--node-eviction-rate` nodes a second in a Normal zone, `--secondary-node-eviction-rate` in a
 * partially disrupted zone larger than `--large-cluster-size-threshold` (else none: a small
 * zone that mostly fails is more likely cut off than broken), and at the normal rate in a fully
 * disrupted zone while another zone is not. When every zone is fully disrupted ("master
 * disruption mode": the control plane is more likely cut off than every node dead), none go on
 * and those already on are taken off every node; leaving it, every node's silence counts anew.
 * The NoSchedule taints and Ready=Unknown are written whatever the zone's state, as Kubernetes'.
 * Pure: the wiring (node-lifecycle-controller.ts) keeps the rate limiter's last admission.
 */
import type { Node } from '../../api/core-v1';

export type ZoneState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** kube-controller-manager's flags of the same names. */
export interface DisruptionSettings {
  /** Nodes a second whose pods may be evicted while their zone is healthy (Kubernetes 0.1). */
  nodeEvictionRate: number;
  /** The same for a partially disrupted zone of more than `largeClusterSizeThreshold` nodes (Kubernetes 0.01). */
  secondaryNodeEvictionRate: number;
  /** The share of not-ready nodes (more than 2) that makes a zone partially disrupted (0.55). */
  unhealthyZoneThreshold: number;
  /** Zones up to this size stop evicting when partially disrupted (50). */
  largeClusterSizeThreshold: number;
}

/**
 * pikube's defaults are Kubernetes' but the rate: a Pi cluster losing two nodes at once should
 * not wait 10 s for the second one's pods.
 */
export const DEFAULT_DISRUPTION_SETTINGS: DisruptionSettings = {
  nodeEvictionRate: 1,
  secondaryNodeEvictionRate: 0.01,
  unhealthyZoneThreshold: 0.55,
  largeClusterSizeThreshold: 50,
};

/** One node as the zone states see it. */
export interface NodeReadiness {
  zone: string;
  ready: boolean;
}

export interface ClusterDisruption {
  zones: ReadonlyMap<string, { state: ZoneState; size: number }>;
  /** Every zone fully disrupted (and at least one node): Kubernetes' master disruption mode. */
  allFullyDisrupted: boolean;
}

/** What may happen to a down node's NoExecute health taint now. */
export type NoExecuteDecision = 'add' | 'hold' | 'remove';

export interface NoExecuteAdmission {
  decision: NoExecuteDecision;
  /** When `hold`: look again after this long (a rate's next token, or a state that may change). */
  retryAfterMs?: number;
}

/** Kubernetes' zone key: region and zone labels (the beta failure-domain ones as fallback); '' without either. */
export function zoneOf(node: Node): string {
  const labels = node.metadata.labels ?? {};
  const zone = labels['topology.kubernetes.io/zone'] ?? labels['failure-domain.beta.kubernetes.io/zone'] ?? '';
  const region = labels['topology.kubernetes.io/region'] ?? labels['failure-domain.beta.kubernetes.io/region'] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\u0000:${zone}`;
}

export function zoneState(ready: number, notReady: number, unhealthyZoneThreshold: number): ZoneState {
  if (ready === 0 && notReady > 0) return 'FullDisruption';
  if (notReady > 2 && notReady / (notReady + ready) >= unhealthyZoneThreshold) return 'PartialDisruption';
  return 'Normal';
}

export function clusterDisruption(nodes: readonly NodeReadiness[], unhealthyZoneThreshold: number): ClusterDisruption {
  const counts = new Map<string, { ready: number; notReady: number }>();
  for (const node of nodes) {
    const count = counts.get(node.zone) ?? { ready: 0, notReady: 0 };
    if (node.ready) count.ready++;
    else count.notReady++;
    counts.set(node.zone, count);
  }
  const zones = new Map([...counts].map(([zone, c]) => [zone, { state: zoneState(c.ready, c.notReady, unhealthyZoneThreshold), size: c.ready + c.notReady }]));
  const allFullyDisrupted = zones.size > 0 && [...zones.values()].every((z) => z.state === 'FullDisruption');
  return { zones, allFullyDisrupted };
}

/** Nodes a second whose NoExecute taints may go on in `zone` (Kubernetes' setLimiterInZone). */
export function evictionRate(disruption: ClusterDisruption, zone: string, settings: DisruptionSettings): number {
  const z = disruption.zones.get(zone);
  if (disruption.allFullyDisrupted) return 0;
  if (z?.state === 'PartialDisruption') return z.size > settings.largeClusterSizeThreshold ? settings.secondaryNodeEvictionRate : 0;
  return settings.nodeEvictionRate;
}

/** While no taint may go on at all, how soon to look again: the zone states change as nodes speak. */
export const HOLD_RECHECK_MS = 500;

/**
 * Whether a down node in `zone` may get its NoExecute taint now: a token bucket of burst 1 at
 * the zone's rate (Kubernetes' RateLimitedTimedQueue), `lastAddedAtMs` the zone's last one.
 */
export function admitNoExecute(disruption: ClusterDisruption, zone: string, lastAddedAtMs: number | undefined, nowMs: number, settings: DisruptionSettings): NoExecuteAdmission {
  if (disruption.allFullyDisrupted) return { decision: 'remove' };
  const rate = evictionRate(disruption, zone, settings);
  if (rate <= 0) return { decision: 'hold', retryAfterMs: HOLD_RECHECK_MS };
  const dueAtMs = lastAddedAtMs === undefined ? nowMs : lastAddedAtMs + 1000 / rate;
  if (dueAtMs <= nowMs) return { decision: 'add' };
  return { decision: 'hold', retryAfterMs: Math.min(Math.ceil(dueAtMs - nowMs), HOLD_RECHECK_MS) };
}
