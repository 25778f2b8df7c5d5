/**
 * Leader election through etcd (a lease-backed campaign key). Every control-plane replica
 * serves the API and agents; only the leader runs the scheduler and controllers. Losing the
 * lease (etcd unreachable past the TTL) aborts the leader's signal at once, so a partitioned
 * replica stops acting before another one can be elected.
 */
import type { Etcd3, Campaign } from 'etcd3';

export interface LeaderElectionOptions {
  /** Election name, e.g. `<prefix>/leader`. */
  name: string;
  /** This replica's identity, stored as the campaign value. */
  identity: string;
  ttlSeconds: number;
  /** Called when this replica becomes leader; `signal` aborts when it stops leading. */
  onStartedLeading(signal: AbortSignal): void;
  /** Delay before campaigning again after a lost lease. */
  retryDelayMs?: number;
  log?: (message: string) => void;
}

export class LeaderElection {
  private campaign?: Campaign;
  private leading?: AbortController;
  private disposed = false;
  private retryTimer?: NodeJS.Timeout;

  constructor(private readonly client: Etcd3, private readonly opts: LeaderElectionOptions) {}

  get isLeader(): boolean {
    return this.leading !== undefined && !this.leading.signal.aborted;
  }

  start(): void {
    if (this.disposed) return;
    const campaign = this.client.election(this.opts.name, this.opts.ttlSeconds).campaign(this.opts.identity);
    this.campaign = campaign;
    campaign.on('elected', () => this.elected());
    campaign.on('error', (err: Error) => this.lost(err));
  }

  private elected(): void {
    this.opts.log?.(`${this.opts.identity} is now the leader`);
    this.leading = new AbortController();
    this.opts.onStartedLeading(this.leading.signal);
  }

  /** The lease or the campaign failed: stop leading now, campaign again later. */
  private lost(err: Error): void {
    this.opts.log?.(`leader election: ${err.message}`);
    this.stopLeading();
    this.campaign?.removeAllListeners();
    this.campaign = undefined;
    if (!this.disposed) this.retryTimer = setTimeout(() => this.start(), this.opts.retryDelayMs ?? 1000);
  }

  private stopLeading(): void {
    this.leading?.abort(new Error('leadership lost'));
    this.leading = undefined;
  }

  /** Stops leading and resigns, so another replica takes over without waiting for the TTL. */
  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.retryTimer);
    this.stopLeading();
    const campaign = this.campaign;
    this.campaign = undefined;
    campaign?.removeAllListeners();
    campaign?.on('error', () => undefined);
    await campaign?.resign().catch(() => undefined);
  }
}
