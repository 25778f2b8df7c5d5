/**
 * A container's resources as cgroup settings, with the kubelet's conversions
 * (pkg/kubelet/cm/helpers_linux.go): limits.memory → memory limit in bytes, limits.cpu →
 * CFS quota over a 100 ms period, requests.cpu (else limits.cpu) → cpu shares, min 2.
 */
import type { ResourceRequirements } from '../../api/core-v1';
import { QuantityFormatError, tryParseQuantity, type Quantity } from '../../api/quantity';

export const CPU_PERIOD_US = 100_000;
const MIN_QUOTA_US = 1_000;
const MIN_SHARES = 2;
const MAX_SHARES = 262_144;
const SHARES_PER_CPU = 1024n;

export interface CgroupResources {
  memoryBytes?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpuShares: number;
}

/** MilliCPUToShares: 1024 shares per CPU, clamped to [2, 262144]; no request means the minimum. */
export function milliCpuToShares(milliCpu: bigint): number {
  if (milliCpu <= 0n) return MIN_SHARES;
  const shares = Number((milliCpu * SHARES_PER_CPU) / 1000n);
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
}

/** MilliCPUToQuota over `period` µs; 0 means no quota; never below 1 ms. */
export function milliCpuToQuota(milliCpu: bigint, periodUs = CPU_PERIOD_US): number {
  if (milliCpu <= 0n) return 0;
  return Math.max(MIN_QUOTA_US, Number((milliCpu * BigInt(periodUs)) / 1000n));
}

function quantity(list: Record<string, string> | undefined, name: string, field: string): Quantity | undefined | Error {
  const text = list?.[name];
  if (text === undefined) return undefined;
  const q = tryParseQuantity(text);
  if (q instanceof QuantityFormatError) return new Error(`${field}.${name}: "${text}": ${q.message}`);
  return q;
}

/** Cgroup settings, or an Error naming the bad quantity. */
export function cgroupResources(resources: ResourceRequirements | undefined): CgroupResources | Error {
  const memory = quantity(resources?.limits, 'memory', 'resources.limits');
  const cpuLimit = quantity(resources?.limits, 'cpu', 'resources.limits');
  const cpuRequest = quantity(resources?.requests, 'cpu', 'resources.requests');
  for (const q of [memory, cpuLimit, cpuRequest]) if (q instanceof Error) return q;
  const [mem, limit, request] = [memory, cpuLimit, cpuRequest] as (Quantity | undefined)[];
  const out: CgroupResources = {
    // Without a request the limit stands in for it, as the API's defaulting does.
    cpuShares: milliCpuToShares((request ?? limit)?.milliValue() ?? 0n),
  };
  if (mem && mem.sign() > 0) out.memoryBytes = Number(mem.value());
  const quota = limit ? milliCpuToQuota(limit.milliValue()) : 0;
  if (quota > 0) Object.assign(out, { cpuQuota: quota, cpuPeriod: CPU_PERIOD_US });
  return out;
}
