/**
 * The kubelet's eviction manager for node pressure, at Pi scale: each pass (the pod manager's
 * eviction loop, every 10 s) measures the signals (node-signals.ts), sets the pressure
 * conditions (kept True for the transition period, `--eviction-pressure-transition-period`,
 * default 5m), and when a hard threshold is met picks one pod to evict: memory before disk,
 * ranked as eviction-ranking.ts says. The caller ends that pod (phase Failed, reason
 * `Evicted`, the DisruptionTarget condition `TerminationByKubelet`); one pod per pass, so the
 * next pass sees what the eviction freed.
 *
 * Node-level reclaim before evicting pods (the kubelet's image and dead-container garbage
 * collection under disk pressure) is not done: pods are evicted straight away.
 */
import type { NodeCondition, Pod } from '../../api/core-v1';
import type { Clock } from '../../base/clock';
import { EVICTION_SIGNALS, thresholdBytes, type EvictionSignal, type Threshold } from './eviction-thresholds';
import { nodePressureMessage, type MetThreshold } from './eviction-message';
import { rankForEviction, type PodUsage, type ReclaimResource } from './eviction-ranking';
import type { SignalObservations } from './node-signals';
import { conditionsObservedSince, pressureConditions, SIGNAL_CONDITION, type PressureCondition } from './pressure-conditions';

export const DEFAULT_PRESSURE_TRANSITION_MS = 5 * 60_000;

const SIGNAL_RESOURCE: Record<EvictionSignal, ReclaimResource> = {
  'memory.available': 'memory',
  'nodefs.available': 'ephemeral-storage',
  'imagefs.available': 'ephemeral-storage',
};

export interface PodUsageSource {
  /** What the pod uses of the resource now; `containers` undefined when it cannot be measured. */
  usage(pod: Pod, resource: ReclaimResource, signal: AbortSignal): Promise<PodUsage>;
}

export interface EvictionManagerOptions {
  thresholds: Threshold[];
  transitionPeriodMs?: number;
  observe: () => Promise<SignalObservations>;
  usage: PodUsageSource;
  clock: Pick<Clock, 'now'>;
  /** The pressure conditions changed: the node's status should be reported. */
  onConditionsChange: () => void;
  log: (message: string) => void;
}

export interface EvictionChoice {
  pod: Pod;
  message: string;
}

export interface ThresholdMet extends MetThreshold {
  signal: EvictionSignal;
}

/** The thresholds the observations meet (available < threshold), memory first (byEvictionPriority). */
export function thresholdsMet(thresholds: readonly Threshold[], observations: SignalObservations): ThresholdMet[] {
  const met = thresholds.flatMap((t) => {
    const seen = observations[t.signal];
    if (!seen) return [];
    const bytes = thresholdBytes(t, seen.capacityBytes);
    return seen.availableBytes < bytes ? [{ signal: t.signal, thresholdBytes: bytes, availableBytes: seen.availableBytes }] : [];
  });
  return met.sort((a, b) => EVICTION_SIGNALS.indexOf(a.signal) - EVICTION_SIGNALS.indexOf(b.signal));
}

export class EvictionManager {
  private readonly lastObservedAt = new Map<PressureCondition, number>();
  private pressure = new Set<PressureCondition>();

  constructor(private readonly opts: EvictionManagerOptions) {}

  /** MemoryPressure, DiskPressure and PIDPressure as last decided (all False before the first pass). */
  conditions(): NodeCondition[] {
    return pressureConditions(this.pressure);
  }

  isUnder(condition: PressureCondition): boolean {
    return this.pressure.has(condition);
  }

  /** One pass: conditions updated; the pod to evict among `active` (running, not terminal, not going), if a threshold is met. */
  async synchronize(active: readonly Pod[], signal: AbortSignal): Promise<EvictionChoice | undefined> {
    const met = thresholdsMet(this.opts.thresholds, await this.opts.observe());
    signal.throwIfAborted();
    this.updateConditions(met);
    const first = met[0];
    if (!first) return undefined;
    const resource = SIGNAL_RESOURCE[first.signal];
    if (active.length === 0) return void this.opts.log(`eviction threshold ${first.signal} met, but no pod is active to evict`);
    const usages = await Promise.all(active.map((pod) => this.opts.usage.usage(pod, resource, signal)));
    const victim = rankForEviction(usages, resource)[0];
    if (!victim) return void this.opts.log(`eviction threshold ${first.signal} met, but only critical pods are active`);
    return { pod: victim.pod, message: nodePressureMessage(resource, first, victim) };
  }

  private updateConditions(met: readonly ThresholdMet[]): void {
    const now = this.opts.clock.now();
    for (const m of met) this.lastObservedAt.set(SIGNAL_CONDITION[m.signal], now);
    const next = conditionsObservedSince(this.lastObservedAt, this.opts.transitionPeriodMs ?? DEFAULT_PRESSURE_TRANSITION_MS, now);
    if ([...next].sort().join() === [...this.pressure].sort().join()) return;
    this.opts.log(`node pressure now: ${[...next].join(', ') || 'none'} (thresholds met: ${met.map((m) => m.signal).join(', ') || 'none'})`);
    this.pressure = next;
    this.opts.onConditionsChange();
  }
}
