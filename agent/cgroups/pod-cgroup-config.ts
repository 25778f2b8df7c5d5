/**
 * A pod cgroup's settings, as the kubelet computes them (pkg/kubelet/cm/helpers_linux.go
 * ResourceConfigForPod, v1.32):
 *
 * - the pod's requests and limits are the sums over its app containers and sidecars, or the
 *   largest init container (with the sidecars started before it) when that is more;
 * - Guaranteed: cpu shares from the requests, CFS quota from the limits, memory limit = the sum
 *   of the limits;
 * - Burstable: shares from the requests; a quota only when every container has a cpu limit,
 *   a memory limit only when every container has one;
 * - BestEffort: 2 shares, nothing else.
 */
import type { Container, Pod } from '../../api/core-v1';
import { qosClassOf, type QOSClass } from '../../api/qos';
import { tryParseQuantity } from '../../api/quantity';
import { CPU_PERIOD_US, milliCpuToQuota, milliCpuToShares } from '../pods/container-resources';

export interface PodCgroupConfig {
  cpuShares: number;
  /** CFS quota (µs per period); absent: no quota. */
  cpuQuotaUs?: number;
  cpuPeriodUs?: number;
  /** Absent: no memory limit. */
  memoryBytes?: number;
}

type Pick = (c: Container) => bigint;

/** A quantity as milli-units (cpu) or whole units (memory); absent or malformed counts as zero. */
function amount(list: Record<string, string> | undefined, name: 'cpu' | 'memory'): bigint {
  const text = list?.[name];
  const q = text === undefined ? undefined : tryParseQuantity(text);
  if (!q || q instanceof Error || q.sign() <= 0) return 0n;
  return name === 'cpu' ? q.milliValue() : q.value();
}

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** resource.PodRequests / PodLimits: app containers and sidecars add up; an init container counts alone. */
export function aggregate(pod: Pod, pick: Pick): bigint {
  let sidecars = 0n;
  let initPeak = 0n;
  for (const c of pod.spec.initContainers ?? []) {
    if (c.restartPolicy === 'Always') {
      sidecars += pick(c);
      initPeak = max(initPeak, sidecars);
    } else initPeak = max(initPeak, pick(c) + sidecars);
  }
  const running = pod.spec.containers.reduce((sum, c) => sum + pick(c), 0n) + sidecars;
  return max(running, initPeak);
}

const cpuRequest: Pick = (c) => amount(c.resources?.requests, 'cpu');
const cpuLimit: Pick = (c) => amount(c.resources?.limits, 'cpu');
const memoryLimit: Pick = (c) => amount(c.resources?.limits, 'memory');

function everyContainerHas(pod: Pod, pick: Pick): boolean {
  return [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].every((c) => pick(c) > 0n);
}

/** The pod's cpu request in millicores (what the burstable QoS cgroup's shares add up). */
export function podCpuRequestMilli(pod: Pod): bigint {
  return aggregate(pod, cpuRequest);
}

export function podCgroupConfig(pod: Pod, qos: QOSClass = qosClassOf(pod)): PodCgroupConfig {
  if (qos === 'BestEffort') return { cpuShares: milliCpuToShares(0n) };
  const config: PodCgroupConfig = { cpuShares: milliCpuToShares(podCpuRequestMilli(pod)) };
  if (qos === 'Guaranteed' || everyContainerHas(pod, cpuLimit)) {
    const quota = milliCpuToQuota(aggregate(pod, cpuLimit));
    if (quota > 0) Object.assign(config, { cpuQuotaUs: quota, cpuPeriodUs: CPU_PERIOD_US });
  }
  if (qos === 'Guaranteed' || everyContainerHas(pod, memoryLimit)) {
    const bytes = aggregate(pod, memoryLimit);
    if (bytes > 0n) config.memoryBytes = Number(bytes);
  }
  return config;
}
