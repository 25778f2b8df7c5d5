/**
 * Leader election through etcd (a lease-backed campaign key, etcd3's Campaign). Every
 * control-plane replica serves the API and agents; only the leader runs the scheduler and
 * controllers.
 *
 * - Every campaign keeps its `error` listener for its whole life: etcd3 emits `error` both when
 *   the lease is lost and when the campaign's own start fails, in either order, and an `error`
 *   without a listener kills the process. Events of a campaign that is no longer current are
 *   ignored (a resigned campaign may still say `elected` once its wait ends).
 * - Renew deadline, as client-go's leader election: etcd3 reports a lost lease only after twice
 *   the TTL without keep-alive, but etcd drops the key after one TTL. The leader confirms its
 *   lease every second and stops leading once it has not been able to for `renewDeadlineMs`
 *   (default two thirds of the TTL), so a partitioned replica stops acting before another one
 *   can be elected.
 * - A lost campaign's lease is revoked (retried until etcd answers) before campaigning again,
 *   with a fresh campaign and a fresh lease: the new key then does not wait behind the old one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EtcdLeaseInvalidError } from 'etcd3';
import type { ILeaseRevokeRequest, ILeaseRevokeResponse, ILeaseTimeToLiveRequest, ILeaseTimeToLiveResponse } from 'etcd3';
import { logText } from './log-text';

/** The part of etcd3's Campaign used here. */
export interface CampaignLike {
  on(event: 'elected', handler: () => void): unknown;
  on(event: 'error', handler: (err: Error) => void): unknown;
  /** `<election prefix><lease id>`; rejects when the lease was never granted. */
  getCampaignKey(): Promise<string>;
  resign(): Promise<void>;
}

/** The part of the etcd3 client used here (an `Etcd3` is one). */
/** A deadline for one call (`Date.now()`-based milliseconds). */
export interface CallDeadline {
  deadline: number;
}

export interface ElectionClient {
  election(name: string, ttlSeconds: number): { campaign(value: string): CampaignLike };
  leaseClient: {
    leaseTimeToLive(req: ILeaseTimeToLiveRequest, options?: CallDeadline): Promise<ILeaseTimeToLiveResponse>;
    leaseRevoke(req: ILeaseRevokeRequest, options?: CallDeadline): Promise<ILeaseRevokeResponse>;
  };
}

export interface LeaderElectionOptions {
  /** Election name, e.g. `<prefix>/leader`. */
  name: string;
  /** This replica's identity, stored as the campaign value. */
  identity: string;
  ttlSeconds: number;
  /** Called when this replica becomes leader; `signal` aborts when it stops leading. */
  onStartedLeading(signal: AbortSignal): void;
  /** Delay before campaigning again after a lost campaign, and between revocation attempts. Default 1 s. */
  retryDelayMs?: number;
  /** How long the leader may fail to confirm its lease before it stops leading. Default 2/3 of the TTL. */
  renewDeadlineMs?: number;
  /** How often the leader confirms its lease (one read, nothing written). Default 1 s, at most a third of the TTL. */
  renewIntervalMs?: number;
  log?: (message: string) => void;
}

/** One campaign and what belongs to it: its lease (once granted) and, while it leads, its watchdog. */
interface Candidacy {
  campaign: CampaignLike;
  leaseId: Promise<string | undefined>;
  leading?: AbortController;
  watchdog?: NodeJS.Timeout;
  lastRenewedMs: number;
}

export class LeaderElection {
  private current?: Candidacy;
  private readonly lifetime = new AbortController();
  private readonly retiring = new Set<Promise<void>>();

  constructor(private readonly client: ElectionClient, private readonly opts: LeaderElectionOptions) {}

  get isLeader(): boolean {
    const leading = this.current?.leading;
    return leading !== undefined && !leading.signal.aborted;
  }

  /** Campaigns (again). Does nothing once disposed. */
  start(): void {
    if (this.lifetime.signal.aborted) return;
    const campaign = this.client.election(this.opts.name, this.opts.ttlSeconds).campaign(this.opts.identity);
    const candidacy: Candidacy = { campaign, leaseId: leaseIdOf(campaign), lastRenewedMs: 0 };
    this.current = candidacy;
    campaign.on('error', (err: Error) => this.failed(candidacy, err));
    campaign.on('elected', () => this.elected(candidacy));
  }

  /** Stops leading and resigns, so another replica takes over without waiting for the TTL. */
  async dispose(): Promise<void> {
    if (this.lifetime.signal.aborted) return;
    this.lifetime.abort();
    const candidacy = this.current;
    this.current = undefined;
    if (candidacy) this.stopLeading(candidacy);
    await candidacy?.campaign.resign().catch(() => undefined);
    await Promise.allSettled([...this.retiring]);
  }

  private elected(candidacy: Candidacy): void {
    if (candidacy !== this.current || candidacy.leading) return;
    this.log(`${this.opts.identity} is now the leader`);
    candidacy.leading = new AbortController();
    candidacy.lastRenewedMs = Date.now();
    const interval = this.opts.renewIntervalMs ?? Math.min(1000, (this.opts.ttlSeconds * 1000) / 3);
    candidacy.watchdog = setInterval(() => void this.confirmLease(candidacy), interval);
    try {
      this.opts.onStartedLeading(candidacy.leading.signal);
    } catch (err) {
      this.log(`leader election: starting the leader's loops failed: ${logText(err)}`);
    }
  }

  private failed(candidacy: Candidacy, err: Error): void {
    if (candidacy !== this.current) return; // a campaign already given up: its late errors change nothing
    this.lost(candidacy, `the campaign failed: ${logText(err)}`);
  }

  /** Leadership holds only while etcd confirms the lease in time (the renew deadline). */
  private async confirmLease(candidacy: Candidacy): Promise<void> {
    const deadlineMs = this.opts.renewDeadlineMs ?? (this.opts.ttlSeconds * 2000) / 3;
    try {
      const id = await candidacy.leaseId;
      const res = id === undefined ? undefined : await this.client.leaseClient.leaseTimeToLive({ ID: id }, { deadline: Date.now() + deadlineMs / 2 });
      if (candidacy !== this.current) return;
      if (!res || Number(res.TTL) <= 0) return this.lost(candidacy, 'the leader lease has expired');
      candidacy.lastRenewedMs = Date.now();
    } catch (err) {
      if (candidacy !== this.current) return;
      const silentMs = Date.now() - candidacy.lastRenewedMs;
      if (silentMs >= deadlineMs) this.lost(candidacy, `the leader lease could not be renewed for ${silentMs} ms: ${logText(err)}`);
    }
  }

  /** The lease or the campaign failed: stop leading now, revoke the old lease, campaign again. */
  private lost(candidacy: Candidacy, reason: string): void {
    this.log(`leader election: ${reason}`);
    this.current = undefined;
    this.stopLeading(candidacy);
    const retired = this.retireThenCampaign(candidacy);
    this.retiring.add(retired);
    void retired.finally(() => this.retiring.delete(retired));
  }

  private stopLeading(candidacy: Candidacy): void {
    clearInterval(candidacy.watchdog);
    candidacy.watchdog = undefined;
    if (!candidacy.leading) return;
    this.log(`${this.opts.identity} stopped leading`);
    candidacy.leading.abort(new Error('leadership lost'));
  }

  private async retireThenCampaign(candidacy: Candidacy): Promise<void> {
    const signal = this.lifetime.signal;
    candidacy.campaign.resign().catch(() => undefined); // ends its keep-alive and its wait for election
    for (let reported = false; !signal.aborted; reported = true) {
      await sleep(this.opts.retryDelayMs ?? 1000, undefined, { signal }).catch(() => undefined);
      if (signal.aborted || (await this.revoke(candidacy, reported))) break;
    }
    this.start();
  }

  /** True once the lease is gone (revoked now, never granted, or expired already). */
  private async revoke(candidacy: Candidacy, reported: boolean): Promise<boolean> {
    const id = await candidacy.leaseId;
    if (id === undefined) return true;
    try {
      await this.client.leaseClient.leaseRevoke({ ID: id }, { deadline: Date.now() + (this.opts.retryDelayMs ?? 1000) * 2 });
      return true;
    } catch (err) {
      if (err instanceof EtcdLeaseInvalidError) return true; // expired meanwhile: its key is gone too
      if (!reported) this.log(`leader election: the old lease cannot be revoked yet (${logText(err)}); retrying until etcd answers`);
      return false;
    }
  }

  private log(message: string): void {
    this.opts.log?.(message);
  }
}

/** The campaign's lease id, or undefined when it was never granted. */
function leaseIdOf(campaign: CampaignLike): Promise<string | undefined> {
  return campaign.getCampaignKey().then((key) => key.slice(key.lastIndexOf('/') + 1), () => undefined);
}
