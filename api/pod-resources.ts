/**
 * A pod's effective resource requests as the scheduler computes them
 * (k8s.io/component-helpers/resource PodRequests): the sum over app containers, raised to
 * the largest init container (restartable "sidecar" init containers add to the sum and to
 * every later init container), plus spec.overhead. CPU in milli-cores, the rest in units.
 */
import type { Container, Pod } from './core-v1';
import { tryParseQuantity } from './quantity';

/** Resource name → amount; cpu in milli-cores, memory and others in whole units. */
export type ResourceAmounts = Record<string, number>;

/** Requests the scheduler assumes for a container that states none (LeastAllocated scoring). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export interface PodRequestOptions {
  /** Fill a missing cpu/memory request with the scheduler's non-zero defaults. */
  nonZero?: boolean;
}

/** A map safe for any resource name (no Object.prototype keys). */
export function emptyAmounts(): ResourceAmounts {
  return Object.create(null) as ResourceAmounts;
}

export function podRequests(pod: Pod, options: PodRequestOptions = {}): ResourceAmounts {
  const reqs = emptyAmounts();
  for (const c of pod.spec?.containers ?? []) addInto(reqs, containerRequests(c, options));
  let sidecars = emptyAmounts();
  let initMax = emptyAmounts();
  for (const c of pod.spec?.initContainers ?? []) {
    const own = containerRequests(c, options);
    if (c.restartPolicy === 'Always') {
      addInto(reqs, own);
      sidecars = sum(sidecars, own);
      initMax = max(initMax, sidecars);
    } else {
      initMax = max(initMax, sum(own, sidecars));
    }
  }
  const total = max(reqs, initMax);
  addInto(total, amountsOf(pod.spec?.overhead as Record<string, string> | undefined));
  return total;
}

/** The millicores and bytes the scheduler counts for a pod (missing means 0). */
export function podCpuMemory(pod: Pod, options: PodRequestOptions = {}): { milliCPU: number; memory: number } {
  const reqs = podRequests(pod, options);
  return { milliCPU: reqs.cpu ?? 0, memory: reqs.memory ?? 0 };
}

function containerRequests(c: Container, options: PodRequestOptions): ResourceAmounts {
  const amounts = amountsOf(c.resources?.requests);
  if (options.nonZero) {
    amounts.cpu ??= DEFAULT_MILLI_CPU_REQUEST;
    amounts.memory ??= DEFAULT_MEMORY_REQUEST;
  }
  return amounts;
}

/** Parses a resource list; cpu as millicores, others as whole units; bad values are skipped. */
export function amountsOf(list: Record<string, string> | undefined): ResourceAmounts {
  const out = emptyAmounts();
  for (const [name, raw] of Object.entries(list ?? {})) {
    const q = tryParseQuantity(String(raw));
    if (q instanceof Error) continue;
    out[name] = Number(name === 'cpu' ? q.milliValue() : q.value());
  }
  return out;
}

function addInto(target: ResourceAmounts, add: ResourceAmounts): void {
  for (const [name, v] of Object.entries(add)) target[name] = (target[name] ?? 0) + v;
}

function sum(a: ResourceAmounts, b: ResourceAmounts): ResourceAmounts {
  const out = Object.assign(emptyAmounts(), a);
  addInto(out, b);
  return out;
}

function max(a: ResourceAmounts, b: ResourceAmounts): ResourceAmounts {
  const out = Object.assign(emptyAmounts(), a);
  for (const [name, v] of Object.entries(b)) out[name] = Math.max(out[name] ?? 0, v);
  return out;
}
