/**
 * The downward API's `resourceFieldRef` (env and volume files), as the kubelet computes it:
 * the limits a container lacks for cpu, memory and ephemeral-storage are the node's
 * allocatable (defaultPodLimitsForDownwardAPI), requests are what the spec says (0 when
 * unset), and the value is divided by `divisor` (default 1) and rounded up — cpu through
 * millicores, so `limits.cpu` of 250m reads 1 and with divisor 1m reads 250.
 * https://kubernetes.io/docs/concepts/workloads/pods/downward-api/#downwardapi-resourceFieldRef
 */
import type { Container, Pod, ResourceList } from '../../api/core-v1';
import { tryParseQuantity, type Quantity } from '../../api/quantity';

export interface ResourceFieldRef {
  containerName?: string;
  resource: string;
  divisor?: string;
}

const DEFAULTED = ['cpu', 'memory', 'ephemeral-storage'];

/** The container's limits with the node's allocatable where it sets none. */
function defaultedLimits(container: Container, allocatable: ResourceList): ResourceList {
  const limits: ResourceList = { ...(container.resources?.limits ?? {}) };
  for (const name of DEFAULTED) if (limits[name] === undefined && allocatable[name] !== undefined) limits[name] = allocatable[name];
  return limits;
}

function quantity(text: string | undefined, what: string): Quantity | Error | undefined {
  if (text === undefined || text === '') return undefined;
  const q = tryParseQuantity(text);
  return q instanceof Error ? new Error(`${what} "${text}": ${q.message}`) : q;
}

/** ceil(a / b) for b > 0. */
function ceilDiv(a: bigint, b: bigint): bigint {
  if (b <= 0n) return 0n;
  return a >= 0n ? (a + b - 1n) / b : a / b;
}

/** The container `ref.containerName` names (any container of the pod), else `container`. */
function target(ref: ResourceFieldRef, pod: Pod, container: Container): Container | Error {
  if (!ref.containerName) return container;
  const found = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => c.name === ref.containerName);
  return found ?? new Error(`container ${ref.containerName} not found`);
}

/** The value as the kubelet renders it, or an Error with the kubelet's message. */
export function resourceFieldValue(ref: ResourceFieldRef, pod: Pod, container: Container, allocatable: ResourceList): string | Error {
  const c = target(ref, pod, container);
  if (c instanceof Error) return c;
  const [kind, name] = ref.resource.split('.', 2);
  if ((kind !== 'limits' && kind !== 'requests') || !DEFAULTED.includes(name ?? '')) return new Error(`unsupported container resource : ${ref.resource}`);
  const list = kind === 'limits' ? defaultedLimits(c, allocatable) : (c.resources?.requests ?? {});
  const value = quantity(list[name], ref.resource);
  const parsedDivisor = quantity(ref.divisor, 'divisor');
  if (value instanceof Error) return value;
  if (parsedDivisor instanceof Error) return parsedDivisor;
  // A zero divisor is the default, 1 (the API defaults it to "0" when omitted).
  const divisor = parsedDivisor?.isZero() ? undefined : parsedDivisor;
  if (name === 'cpu') return String(ceilDiv(value?.milliValue() ?? 0n, divisor?.milliValue() ?? 1000n));
  return String(ceilDiv(value?.value() ?? 0n, divisor?.value() ?? 1n));
}
