/**
 * Cgroup limits as systemd unit properties, as the kubelet's systemd driver sets them on its
 * slices (through runc's libcontainer): v2 CPUWeight / MemoryMax, v1 CPUShares / MemoryLimit,
 * and CPUQuotaPerSecUSec on both, which systemd keeps in multiples of 10 ms (rounded up).
 * Accounting is turned on so systemd enables the controllers down to the containers.
 */
import { cpuSharesToWeight, type CgroupValues } from './cgroup-writer';
import type { UnitProperty } from './systemd-manager';

/** systemd's "infinity" for a uint64 property. */
export const SYSTEMD_INFINITY = 18446744073709551615n;
const DEFAULT_PERIOD_US = 100_000;
const QUOTA_STEP_US = 10_000;

const uint = (name: string, value: number | bigint): UnitProperty => ({ name, type: 't', value: BigInt(value) });

/** A CFS quota per period as systemd's per-second quota, rounded up to its 10 ms step. */
export function quotaPerSecondUs(quotaUs: number, periodUs = DEFAULT_PERIOD_US): bigint {
  const perSecond = Math.ceil((quotaUs * 1_000_000) / periodUs);
  return BigInt(Math.ceil(perSecond / QUOTA_STEP_US) * QUOTA_STEP_US);
}

export function systemdProperties(values: CgroupValues, cgroupVersion: 1 | 2): UnitProperty[] {
  const props: UnitProperty[] = ['CPUAccounting', 'MemoryAccounting', 'TasksAccounting'].map((name) => ({ name, type: 'b', value: true }));
  if (values.cpuShares !== undefined) {
    props.push(cgroupVersion === 2 ? uint('CPUWeight', cpuSharesToWeight(values.cpuShares)) : uint('CPUShares', values.cpuShares));
  }
  if (values.memoryBytes !== undefined) {
    props.push(uint(cgroupVersion === 2 ? 'MemoryMax' : 'MemoryLimit', values.memoryBytes === 'max' ? SYSTEMD_INFINITY : values.memoryBytes));
  }
  if (values.cpuQuotaUs !== undefined) {
    props.push(uint('CPUQuotaPerSecUSec', values.cpuQuotaUs === 'max' ? SYSTEMD_INFINITY : quotaPerSecondUs(values.cpuQuotaUs, values.cpuPeriodUs)));
  }
  return props;
}
