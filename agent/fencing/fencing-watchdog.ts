/**
 * Self-fencing, as a hardware watchdog would do it (DESIGN.md "Failover"): an agent that has
 * heard nothing from any control plane for the fencing period stops the containers of its pods
 * that must not run twice (api/at-most-one.ts), because a control plane may by then be about to
 * start them elsewhere (it force-deletes them after the fencing period plus a margin). Other
 * pods keep running: their replacement is the control plane's business. Fencing lasts until a
 * control plane confirms the node's pods (`confirmed()`, after the first full pod set following a
 * Welcome): pods still the node's start again, replaced ones are removed.
 */
import type { Clock } from '../../base/clock';
import { decideFencing } from './fencing-plan';

export interface FencingTarget {
  /** Stop the at-most-one pods' containers and keep them stopped; `reason` is for logs and events. */
  fence(reason: string): void;
  /** A control plane confirmed the node's pods: the fenced ones still desired may run again. */
  unfence(): void;
}

export interface FencingWatchdogOptions {
  clock: Pick<Clock, 'now' | 'sleep'>;
  /** When a control plane last said anything. */
  lastContactMs(): number;
  /** The fencing period in force now. */
  periodMs(): number;
  target: FencingTarget;
  log(message: string): void;
}

export class FencingWatchdog {
  private fenced = false;
  private running?: Promise<void>;

  constructor(private readonly opts: FencingWatchdogOptions) {}

  get isFenced(): boolean {
    return this.fenced;
  }

  start(signal: AbortSignal): void {
    this.running ??= this.loop(signal);
  }

  /** A control plane confirmed the node's pods. */
  confirmed(): void {
    if (!this.fenced) return;
    this.fenced = false;
    this.opts.log('fencing lifted: a control plane confirmed this node\'s pods; those still ours start again, replaced ones are removed');
    this.opts.target.unfence();
  }

  /** Resolves once the loop has ended (the signal aborted). */
  async stopped(): Promise<void> {
    await this.running;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const { clock } = this.opts;
    while (!signal.aborted) {
      const decision = decideFencing({ nowMs: clock.now(), lastContactMs: this.opts.lastContactMs(), periodMs: this.opts.periodMs(), fenced: this.fenced });
      if (decision.fence) this.fence(decision.silentForMs);
      await clock.sleep(decision.nextCheckInMs, signal).catch(() => undefined);
    }
  }

  private fence(silentForMs: number): void {
    this.fenced = true;
    const reason = `no control plane reachable for ${(silentForMs / 1000).toFixed(1)}s (fencing period ${(this.opts.periodMs() / 1000).toFixed(1)}s)`;
    this.opts.log(`FENCING: ${reason}: stopping the containers of pods that must not run twice (StatefulSet pods, ReadWriteOnce claims); they stay stopped until a control plane confirms them`);
    this.opts.target.fence(reason);
  }
}
