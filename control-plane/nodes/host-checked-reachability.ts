/**
 * The leader's view of node liveness, with the node's host asked when its agent falls silent.
 * An agent silent for `probeAfterMs` may be stalled (starved of CPU, an SD card blocking it,
 * restarting) or its Pi may be gone (unplugged, powered off). The host's kernel tells them
 * apart (host-probe.ts): a host that answers keeps the node for the whole grace period, as
 * before; a host that answers nothing makes the node unreachable at once, so the pods of a
 * lost Pi are replaced seconds earlier than the grace period alone allows — and a merely busy
 * Pi is never declared lost sooner than it was.
 *
 * Only the silence of a host that answered a probe while its node was alive is believed (one
 * behind a firewall that drops the attempt keeps the whole grace; that is logged once), and a
 * verdict lasts until the node speaks again. Nodes whose hosts answer count as suspect after
 * half the short wait (`suspectAfterMs`), so that the leader's own cable, which silences every
 * node at once, still reads as a full disruption (node-disruption-plan.ts) and evicts nothing.
 */
import type { Disposable } from '../../base/disposable';
import type { HostAnswer } from './host-probe';
import type { NodeReachability, ReachabilityListener } from './node-reachability';

export interface HostCheckOptions {
  /** Silence after which a node's host is probed; 0 turns the check off. */
  probeAfterMs: number;
  /** The nodes to look after. */
  nodeNames(): string[];
  /** The node's address on the LAN (its InternalIP); undefined while unknown. */
  addressOf(nodeName: string): string | undefined;
  probe(address: string): Promise<HostAnswer>;
  log(message: string): void;
  /** How often silences are looked at. Default 100 ms. */
  tickMs?: number;
}

interface HostState {
  /** The host answered the last probe made while its node was alive: its silence can be believed. */
  answers?: boolean;
  /** A probe is under way. */
  probing?: boolean;
  /** When (node's lastSeen) the host was found silent: the verdict holds until the node speaks again. */
  silentSince?: number;
  /** When the last probe of the current silence started (`now()` time). */
  probedAt?: number;
  /** The address a refusal to answer was logged for (once per address). */
  reportedMute?: string;
}

export class HostCheckedReachability implements NodeReachability, Disposable {
  readonly gracePeriodMs: number;
  private readonly hosts = new Map<string, HostState>();
  private readonly listeners = new Set<ReachabilityListener>();
  private offInner?: () => void;
  private timer?: NodeJS.Timeout;

  constructor(private readonly inner: NodeReachability, private readonly opts: HostCheckOptions) {
    this.gracePeriodMs = inner.gracePeriodMs;
  }

  /** Follows the inner reachability and probes silent hosts until disposed. */
  start(): void {
    this.offInner = this.inner.onTransition((name) => {
      // Alive again (a new session): whether its host answers is asked afresh.
      if (this.inner.isAlive(name) && !this.state(name).probing) this.state(name).answers = undefined;
      this.emit(name);
    });
    if (this.opts.probeAfterMs <= 0 || this.opts.probeAfterMs >= this.gracePeriodMs) return;
    this.timer = setInterval(() => this.tick(), this.opts.tickMs ?? 100);
    this.timer.unref();
  }

  dispose(): void {
    this.offInner?.();
    clearInterval(this.timer);
    this.listeners.clear();
  }

  isAlive(nodeName: string): boolean {
    return this.inner.isAlive(nodeName) && !this.hostSilent(nodeName);
  }

  /** The grace that applies to the node now: the short wait once its host was found silent. */
  graceFor(nodeName: string): number {
    return this.hostSilent(nodeName) ? this.opts.probeAfterMs : this.gracePeriodMs;
  }

  /** Half the shortest wait that can apply to the node (its host answers probes, which only a running check asks: the short one). */
  suspectAfterMs(nodeName: string): number {
    return (this.hosts.get(nodeName)?.answers ? this.opts.probeAfterMs : this.gracePeriodMs) / 2;
  }

  lastSeen(nodeName: string): number | undefined {
    return this.inner.lastSeen(nodeName);
  }

  now(): number {
    return this.inner.now();
  }

  resumedAt(): number | undefined {
    return this.inner.resumedAt();
  }

  onTransition(listener: ReachabilityListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private hostSilent(nodeName: string): boolean {
    const silentSince = this.hosts.get(nodeName)?.silentSince;
    return silentSince !== undefined && silentSince === this.inner.lastSeen(nodeName);
  }

  private state(nodeName: string): HostState {
    let state = this.hosts.get(nodeName);
    if (!state) this.hosts.set(nodeName, (state = {}));
    return state;
  }

  /** A node alive (again): whether its host answers now decides whether its silences will be believed. */
  private calibrate(nodeName: string, host: HostState): void {
    this.ask(nodeName, host, (answer, address) => {
      host.answers = answer === 'answered';
      if (host.answers || host.reportedMute === address) return;
      host.reportedMute = address;
      this.opts.log(`node-lifecycle: node "${nodeName}"'s host does not answer a connection attempt to ${address} (a firewall dropping it?): a silence of its agent waits the whole grace period (${this.gracePeriodMs} ms), the host is not asked`);
    });
  }

  private tick(): void {
    const now = this.inner.now();
    for (const name of this.opts.nodeNames()) {
      const host = this.state(name);
      if (host.answers === undefined && !host.probing && this.inner.isAlive(name)) this.calibrate(name, host);
      const lastSeen = this.inner.lastSeen(name);
      if (!host.answers || host.probing || lastSeen === undefined || host.silentSince === lastSeen) continue;
      if (now - lastSeen < this.opts.probeAfterMs) continue;
      // Once per short wait while the silence lasts: a host can die while its agent is stalled.
      if (host.probedAt !== undefined && host.probedAt > lastSeen && now - host.probedAt < this.opts.probeAfterMs) continue;
      this.probeSilent(name, host, lastSeen, now);
    }
  }

  private probeSilent(nodeName: string, host: HostState, lastSeen: number, now: number): void {
    host.probedAt = now;
    this.ask(nodeName, host, (answer, address) => {
      if (answer === 'answered' || this.inner.lastSeen(nodeName) !== lastSeen) return;
      host.silentSince = lastSeen;
      this.opts.log(`node-lifecycle: node "${nodeName}" silent for ${Math.round(this.inner.now() - lastSeen)} ms and its host ${address} answers nothing: unreachable without waiting out the grace period`);
      this.emit(nodeName);
    });
  }

  /** One probe of the node's host (none while its address is unknown), `probing` meanwhile. */
  private ask(nodeName: string, host: HostState, then: (answer: HostAnswer, address: string) => void): void {
    const address = this.opts.addressOf(nodeName);
    if (address === undefined) return;
    host.probing = true;
    void this.opts.probe(address).then((answer) => {
      host.probing = false;
      then(answer, address);
    });
  }

  private emit(nodeName: string): void {
    for (const listener of this.listeners) listener(nodeName);
  }
}
