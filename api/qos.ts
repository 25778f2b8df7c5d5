/**
 * A pod's QoS class, as Kubernetes computes it (pkg/apis/core/helper/qos ComputePodQOS):
 * only cpu and memory count; init containers count like app containers. Expects a defaulted
 * pod (requests already copied from limits), as the API server has when it sets status.qosClass.
 */
import type { Pod } from './core-v1';
import { Quantity, tryParseQuantity } from './quantity';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const QOS_RESOURCES = ['cpu', 'memory'];

export function qosClassOf(pod: Pod): QOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const ctr of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    addPositive(requests, ctr.resources?.requests);
    const found = addPositive(limits, ctr.resources?.limits);
    if (!QOS_RESOURCES.every((r) => found.has(r))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed && [...requests].every(([name, req]) => limits.get(name)?.cmp(req) === 0) && requests.size === limits.size) return 'Guaranteed';
  return 'Burstable';
}

/** Adds the positive cpu/memory quantities of a list into `sums`; returns the names added. */
function addPositive(sums: Map<string, Quantity>, list: Record<string, string> | undefined): Set<string> {
  const found = new Set<string>();
  for (const [name, raw] of Object.entries(list ?? {})) {
    if (!QOS_RESOURCES.includes(name)) continue;
    const q = tryParseQuantity(String(raw));
    if (q instanceof Error || q.sign() <= 0) continue;
    found.add(name);
    sums.set(name, sums.has(name) ? (sums.get(name) as Quantity).add(q) : q);
  }
  return found;
}
