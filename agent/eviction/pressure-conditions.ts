/**
 * The node conditions the kubelet's eviction manager drives, as its node status setters spell
 * them: MemoryPressure (`KubeletHasSufficientMemory` / `KubeletHasInsufficientMemory`),
 * DiskPressure (`KubeletHasNoDiskPressure` / `KubeletHasDiskPressure`) and PIDPressure, always
 * False here (`KubeletHasSufficientPID`: no pid.available threshold exists, as on a kubelet
 * with the Linux defaults). A condition stays True for the pressure transition period after
 * its signal was last seen past a threshold, so it does not flap.
 * https://kubernetes.io/docs/reference/node/node-status/#condition
 */
import type { NodeCondition } from '../../api/core-v1';
import type { EvictionSignal } from './eviction-thresholds';

export type PressureCondition = 'MemoryPressure' | 'DiskPressure';

export const SIGNAL_CONDITION: Record<EvictionSignal, PressureCondition> = {
  'memory.available': 'MemoryPressure',
  'nodefs.available': 'DiskPressure',
  'imagefs.available': 'DiskPressure',
};

const SPELLING: Record<PressureCondition | 'PIDPressure', { true: [string, string]; false: [string, string] }> = {
  MemoryPressure: { true: ['KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'], false: ['KubeletHasSufficientMemory', 'kubelet has sufficient memory available'] },
  DiskPressure: { true: ['KubeletHasDiskPressure', 'kubelet has disk pressure'], false: ['KubeletHasNoDiskPressure', 'kubelet has no disk pressure'] },
  PIDPressure: { true: ['KubeletHasInsufficientPID', 'kubelet has insufficient PID available'], false: ['KubeletHasSufficientPID', 'kubelet has sufficient PID available'] },
};

/** The three conditions, True for those in `pressure`. Transition times are the control plane's (node-health.ts). */
export function pressureConditions(pressure: ReadonlySet<PressureCondition>): NodeCondition[] {
  return (['MemoryPressure', 'DiskPressure', 'PIDPressure'] as const).map((type) => {
    const on = type !== 'PIDPressure' && pressure.has(type);
    const [reason, message] = SPELLING[type][on ? 'true' : 'false'];
    return { type, status: on ? 'True' : 'False', reason, message };
  });
}

/** The conditions last observed within `periodMs` of now (the kubelet's nodeConditionsObservedSince). */
export function conditionsObservedSince(lastObservedAt: ReadonlyMap<PressureCondition, number>, periodMs: number, nowMs: number): Set<PressureCondition> {
  return new Set([...lastObservedAt].filter(([, at]) => nowMs - at < periodMs).map(([type]) => type));
}
