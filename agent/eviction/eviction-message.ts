/**
 * The kubelet's node-pressure eviction message (eviction/helpers.go evictionMessage): the
 * starved resource, the threshold met and what was available, then one sentence per app
 * container using more than its request, e.g.
 * `The node was low on resource: memory. Threshold quantity: 100Mi, available: 91680Ki. Container app was using 51200Ki, request is 0, has larger consumption of memory. `
 */
import type { Pod } from '../../api/core-v1';
import { tryParseQuantity } from '../../api/quantity';
import { bytesQuantity } from './eviction-thresholds';
import type { PodUsage, ReclaimResource } from './eviction-ranking';

export interface MetThreshold {
  thresholdBytes: number;
  availableBytes: number;
}

/** The container's request as the kubelet prints it (the quantity as written; `0` when none). */
function requestText(pod: Pod, name: string, resource: ReclaimResource): { text: string; bytes: number } {
  const raw = pod.spec.containers.find((c) => c.name === name)?.resources?.requests?.[resource];
  const q = raw === undefined ? undefined : tryParseQuantity(raw);
  if (!q || q instanceof Error) return { text: '0', bytes: 0 };
  return { text: q.toString(), bytes: Number(q.value()) };
}

export function nodePressureMessage(resource: ReclaimResource, met: MetThreshold, usage: PodUsage): string {
  let message = `The node was low on resource: ${resource}. Threshold quantity: ${bytesQuantity(met.thresholdBytes)}, available: ${bytesQuantity(met.availableBytes)}. `;
  for (const c of usage.pod.spec.containers) {
    const used = usage.containers?.get(c.name);
    const request = requestText(usage.pod, c.name, resource);
    if (used !== undefined && used > request.bytes) message += `Container ${c.name} was using ${bytesQuantity(used)}, request is ${request.text}, has larger consumption of ${resource}. `;
  }
  return message;
}
