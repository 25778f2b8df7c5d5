import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { EtcdLeaseInvalidError, GRPCUnavailableError, type ILeaseRevokeRequest, type ILeaseTimeToLiveRequest } from 'etcd3';
import { LeaderElection, type CampaignLike, type ElectionClient } from '../../../control-plane/leader-election';
import { until } from '../../../scripts/cluster/wait-until';

/** etcd3's Campaign as far as the election sees it: an EventEmitter, so an `error` nobody listens to throws. */
class FakeCampaign extends EventEmitter implements CampaignLike {
  resigned = false;

  constructor(readonly leaseId: string | undefined) {
    super();
    // As etcd3: a lease that cannot be granted is lost, and the campaign says so with `error`.
    if (!leaseId) setImmediate(() => this.emit('error', new GRPCUnavailableError('14 UNAVAILABLE: lease grant failed')));
  }

  getCampaignKey(): Promise<string> {
    return this.leaseId ? Promise.resolve(`election/pikube/leader/${this.leaseId}`) : Promise.reject(new GRPCUnavailableError('no connection'));
  }

  async resign(): Promise<void> {
    this.resigned = true;
  }
}

type LeaseAnswer = 'alive' | 'expired' | 'unreachable';

/** A hand-written etcd: campaigns the test drives, a lease service whose answers the test sets. */
class FakeEtcd implements ElectionClient {
  readonly campaigns: FakeCampaign[] = [];
  readonly revoked: string[] = [];
  lease: LeaseAnswer = 'alive';
  revokeReachable = true;
  /** Whether new campaigns get a lease (false: etcd refused the grant). */
  grants = true;

  readonly leaseClient = {
    leaseTimeToLive: async (req: ILeaseTimeToLiveRequest) => {
      if (this.lease === 'unreachable') throw new GRPCUnavailableError('14 UNAVAILABLE: connect ECONNREFUSED');
      return { header: { cluster_id: '1', member_id: '1', revision: '1', raft_term: '1' }, ID: String(req.ID), TTL: this.lease === 'alive' ? '9' : '-1', grantedTTL: '10', keys: [] };
    },
    leaseRevoke: async (req: ILeaseRevokeRequest) => {
      if (!this.revokeReachable) throw new GRPCUnavailableError('14 UNAVAILABLE: connect ECONNREFUSED');
      if (this.revoked.includes(String(req.ID))) throw new EtcdLeaseInvalidError(String(req.ID));
      this.revoked.push(String(req.ID));
      return { header: { cluster_id: '1', member_id: '1', revision: '1', raft_term: '1' } };
    },
  };

  election(): { campaign(value: string): CampaignLike } {
    return {
      campaign: () => {
        const campaign = new FakeCampaign(this.grants ? String(this.campaigns.length + 1) : undefined);
        this.campaigns.push(campaign);
        return campaign;
      },
    };
  }

  get latest(): FakeCampaign {
    const campaign = this.campaigns.at(-1);
    if (!campaign) throw new Error('no campaign yet');
    return campaign;
  }
}

describe('leader election', () => {
  let etcd: FakeEtcd;
  let election: LeaderElection;
  let terms: AbortSignal[];
  const logs: string[] = [];

  function startElection(options: { renewIntervalMs?: number; renewDeadlineMs?: number } = {}): void {
    election = new LeaderElection(etcd, {
      name: 'pikube/leader', identity: 'cp-1', ttlSeconds: 10, retryDelayMs: 5, renewIntervalMs: 1_000, ...options,
      onStartedLeading: (signal) => void terms.push(signal),
      log: (m) => void logs.push(m),
    });
    election.start();
  }

  beforeEach(() => {
    etcd = new FakeEtcd();
    terms = [];
    logs.length = 0;
  });

  afterEach(async () => {
    await election.dispose();
  });

  it('stops leading when its campaign fails, survives the lost campaign erring again, and campaigns anew with a fresh lease', async () => {
    startElection();
    const first = etcd.latest;
    first.emit('elected');
    assert.equal(election.isLeader, true);
    first.emit('error', new EtcdLeaseInvalidError('1'));
    assert.equal(terms[0]?.aborted, true, 'the leader loops are stopped at once');
    assert.equal(election.isLeader, false);
    // etcd3 emits `error` again when the campaign's own start fails after the lease was lost: no listener would crash the process.
    assert.doesNotThrow(() => first.emit('error', new GRPCUnavailableError('14 UNAVAILABLE')));
    first.emit('elected'); // a resigned campaign's wait may still end: it must not make us leader
    assert.equal(election.isLeader, false);
    await until(() => etcd.campaigns.length === 2, { timeoutMs: 1_000 });
    assert.equal(first.resigned, true);
    assert.notEqual(etcd.latest.leaseId, first.leaseId, 'a fresh lease');
    etcd.latest.emit('elected');
    assert.equal(election.isLeader, true);
    assert.equal(terms.length, 2);
    assert.equal(terms[1]?.aborted, false);
  });

  it('stops leading once it could not confirm its lease within the renew deadline, and campaigns again only once etcd answers', async () => {
    startElection({ renewIntervalMs: 5, renewDeadlineMs: 60 });
    etcd.latest.emit('elected');
    etcd.lease = 'unreachable';
    etcd.revokeReachable = false;
    const silentSince = Date.now();
    await until(() => !election.isLeader, { timeoutMs: 2_000 });
    assert.ok(Date.now() - silentSince >= 50, 'not before the renew deadline');
    assert.equal(terms[0]?.aborted, true);
    await new Promise((resolve) => setTimeout(resolve, 50)); // several revocation attempts (fake etcd, no real part)
    assert.equal(etcd.campaigns.length, 1, 'no new campaign while the old lease may still hold the key');
    etcd.revokeReachable = true;
    await until(() => etcd.campaigns.length === 2, { timeoutMs: 1_000 });
    assert.deepEqual(etcd.revoked, ['1']);
    assert.ok(logs.some((l) => l.includes('could not be renewed')), logs.join('\n'));
  });

  it('stops leading at once when etcd says the lease has expired', async () => {
    startElection({ renewIntervalMs: 5, renewDeadlineMs: 10_000 });
    etcd.latest.emit('elected');
    etcd.lease = 'expired';
    await until(() => !election.isLeader, { timeoutMs: 1_000 });
    assert.ok(logs.some((l) => l.includes('the leader lease has expired')), logs.join('\n'));
  });

  it('keeps campaigning while etcd refuses leases, and leads once it grants one', async () => {
    etcd.grants = false;
    startElection();
    await until(() => etcd.campaigns.length >= 3, { timeoutMs: 1_000 });
    assert.equal(election.isLeader, false);
    etcd.grants = true;
    await until(() => etcd.latest.leaseId !== undefined, { timeoutMs: 1_000 });
    etcd.latest.emit('elected');
    assert.equal(election.isLeader, true);
  });

  it('resigns on dispose and campaigns no more', async () => {
    startElection();
    const campaign = etcd.latest;
    campaign.emit('elected');
    await election.dispose();
    assert.equal(terms[0]?.aborted, true);
    assert.equal(campaign.resigned, true);
    assert.doesNotThrow(() => campaign.emit('error', new EtcdLeaseInvalidError('1')));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(etcd.campaigns.length, 1);
  });
});
