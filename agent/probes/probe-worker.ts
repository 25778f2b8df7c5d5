/**
 * The periodic probing of one probe type of one container, as the kubelet's prober worker
 * (pkg/kubelet/prober/worker.go):
 *
 * - its own timer, ticking every periodSeconds from when the worker starts; when the agent
 *   started less than a period ago (re-adopted containers), the first tick waits a random part
 *   of the period so that restarted agents do not probe everything at once;
 * - a new container resets the result to the type's initial value (readiness Failure,
 *   liveness Success, startup Unknown) and lifts the hold;
 * - no probing before initialDelaySeconds have passed since the container started; liveness
 *   and readiness wait for the startup probe to succeed, which then stops probing;
 * - thresholds: the result changes only after failureThreshold failures or successThreshold
 *   successes in a row; an errored run is thrown away;
 * - a liveness or startup failure puts the worker on hold until a new container appears
 *   (the pod worker kills this one);
 * - once the pod is being deleted, liveness and startup report Success and stop, so a
 *   terminating container is not killed for failing its probe.
 *
 * A slow probe delays only its own next tick: every worker runs on its own.
 */
import type { Probe } from '../../api/core-v1';
import type { Disposable } from '../../base/disposable';
import { positiveIntOr, runProbe, verdictOf, type ProbeEvent, type ProberDeps, type ProbeTarget } from './prober';
import type { ProbeResult, ProbeType } from './probe-outcome';
import { traceStep } from '../../base/step-trace';

/** What the worker asks of its container's entry in the manager. */
export interface ProbeWorkerContext extends ProberDeps {
  /** Uniform in [0, 1) (the first tick's jitter). */
  random(): number;
  /** When the manager started (ms): the initial jitter applies within one period of it. */
  managerStartedAtMs: number;
  /** The running container, with its start time; undefined once it is gone. */
  target(): (ProbeTarget & { startedAtMs: number }) | undefined;
  /** Whether the container has started (its startup probe succeeded, or it has none). */
  started(containerId: string): boolean;
  /** A new result for the current container (also each liveness/startup failure). */
  report(type: ProbeType, containerId: string, result: ProbeResult, message: string): void;
  event(type: ProbeType, containerId: string, event: ProbeEvent): void;
  log(message: string): void;
  /** The manager's lifetime: aborting it abandons in-flight probes. */
  signal: AbortSignal;
}

const INITIAL_RESULT: Record<ProbeType, ProbeResult> = { readiness: 'Failure', liveness: 'Success', startup: 'Unknown' };

export class ProbeWorker {
  private containerId: string | undefined;
  private current: ProbeResult | undefined;
  private lastResult: 'Success' | 'Failure' | undefined;
  private resultRun = 0;
  private onHold = false;
  private finished = false;
  private probing = false;
  private triggered = false;
  private timer: Disposable | undefined;
  private tickerStartMs = 0;
  private readonly stopper = new AbortController();
  private readonly periodMs: number;

  constructor(readonly type: ProbeType, private readonly spec: Probe, private readonly ctx: ProbeWorkerContext) {
    this.periodMs = positiveIntOr(spec.periodSeconds, 10) * 1000;
  }

  /** The result for `containerId`; undefined for another container. */
  resultFor(containerId: string): ProbeResult | undefined {
    return containerId === this.containerId ? this.current : undefined;
  }

  /** Starts ticking; the first probe runs at once (after the jitter, when the agent just started). */
  start(): void {
    const now = this.ctx.clock.now();
    const young = now - this.ctx.managerStartedAtMs < this.periodMs;
    const jitter = young ? Math.floor(this.ctx.random() * this.periodMs) : 0;
    this.tickerStartMs = now + jitter;
    this.schedule(jitter);
  }

  /** The container to probe from now on; a different id resets the result and lifts the hold. */
  setContainer(containerId: string): void {
    if (containerId === this.containerId) return;
    this.containerId = containerId;
    this.onHold = false;
    this.current = undefined;
    this.set(INITIAL_RESULT[this.type], '');
  }

  /** Probes as soon as possible (the kubelet's manual trigger); coalesces while a probe runs. */
  trigger(): void {
    if (this.finished) return;
    if (this.probing) {
      this.triggered = true;
      return;
    }
    this.timer?.dispose();
    this.schedule(0);
  }

  /** The pod is being deleted: liveness and startup go quiet (Success) and stop. */
  quiet(): void {
    if (this.finished || this.type === 'readiness') return;
    if (this.containerId !== undefined) this.set('Success', '');
    this.stop();
  }

  /** Stops for good, abandoning a probe in flight. Idempotent. */
  stop(): void {
    this.finished = true;
    this.timer?.dispose();
    this.timer = undefined;
    this.stopper.abort(new Error('probe worker stopped'));
  }

  private schedule(ms: number): void {
    this.timer = this.ctx.clock.schedule(() => {
      this.timer = undefined;
      void this.tick();
    }, Math.max(0, ms));
  }

  private async tick(): Promise<void> {
    if (this.finished) return;
    this.probing = true;
    this.triggered = false;
    const begunMs = this.ctx.clock.now();
    let keepGoing = true;
    try {
      keepGoing = await this.probeOnce();
    } catch (err) {
      if (!this.finished && !this.ctx.signal.aborted) this.ctx.log(`${this.type} probe: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.probing = false;
    if (!keepGoing) this.stop();
    if (this.finished) return;
    this.schedule(this.triggered ? 0 : this.nextTickMs(begunMs) - this.ctx.clock.now());
  }

  /** The first tick after `ms` (ticks missed while probing collapse into one, as a Go ticker's). */
  private nextTickMs(ms: number): number {
    return this.tickerStartMs + this.periodMs * (Math.floor((ms - this.tickerStartMs) / this.periodMs) + 1);
  }

  /** doProbe: one pass; false ends the worker. */
  private async probeOnce(): Promise<boolean> {
    const target = this.ctx.target();
    if (!target || target.containerId !== this.containerId || this.onHold) return true;
    if (target.pod.metadata.deletionTimestamp && this.type !== 'readiness') {
      this.set('Success', '');
      return false;
    }
    if (Math.trunc((this.ctx.clock.now() - target.startedAtMs) / 1000) < (this.spec.initialDelaySeconds ?? 0)) return true;
    const started = this.ctx.started(target.containerId);
    // The startup probe stops once the container has started; the other two wait for that.
    if (this.type === 'startup' ? started : !started) return true;
    return this.probeAndCount(target);
  }

  private async probeAndCount(target: ProbeTarget): Promise<boolean> {
    const signal = AbortSignal.any([this.ctx.signal, this.stopper.signal]);
    const verdict = verdictOf(this.type, await runProbe(this.spec, target, this.ctx, signal));
    if (this.finished || target.containerId !== this.containerId) return true; // stale: the container changed meanwhile
    traceStep('pod-start', `${target.pod.metadata.namespace ?? ''}/${target.pod.metadata.name ?? ''}`, `probe-${this.type}`, verdict.errored ? 'errored' : verdict.result);
    if (verdict.event) this.ctx.event(this.type, target.containerId, verdict.event);
    if (verdict.errored) return true;
    this.count(verdict.result, verdict.output);
    return true;
  }

  private count(result: 'Success' | 'Failure', output: string): void {
    if (this.lastResult === result) this.resultRun++;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    const threshold = result === 'Failure' ? positiveIntOr(this.spec.failureThreshold, 3) : positiveIntOr(this.spec.successThreshold, 1);
    if (this.resultRun < threshold) return;
    this.set(result, result === 'Failure' ? output : '');
    if (this.type !== 'readiness' && result === 'Failure') {
      this.onHold = true;
      this.resultRun = 0;
    }
  }

  private set(result: ProbeResult, message: string): void {
    const changed = result !== this.current;
    this.current = result;
    const failedKiller = result === 'Failure' && this.type !== 'readiness';
    if ((changed || failedKiller) && this.containerId !== undefined) this.ctx.report(this.type, this.containerId, result, message);
  }
}
