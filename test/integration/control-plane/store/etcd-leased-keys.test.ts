import assert from 'node:assert/strict';
import { NodeLiveness } from '../../../../control-plane/nodes/node-liveness';
import { nodeSessionsPrefix } from '../../../../control-plane/nodes/node-session-record';
import { ReplicaSessions } from '../../../../control-plane/nodes/replica-sessions';
import { EtcdLeasedKeys } from '../../../../control-plane/store/etcd-leased-keys';
import { until } from '../../../../scripts/cluster/wait-until';
import { withEtcd } from '../../../support/etcd-fixture';

describe('EtcdLeasedKeys, on a real etcd', () => {
  const etcd = withEtcd();

  async function leaseOf(key: string): Promise<string | undefined> {
    const res = await etcd.get().client().get(key).exec();
    const lease = res.kvs[0]?.lease;
    return lease === undefined || lease === '0' ? undefined : String(lease);
  }

  it('writes keys under one lease of its own, and revoking it on dispose removes them at once', async () => {
    const prefix = etcd.get().keySpace().prefix;
    const keys = new EtcdLeasedKeys(etcd.get().client(), { ttlSeconds: 10 });
    await keys.put(`${prefix}/a`, 'one');
    await keys.put(`${prefix}/b`, 'two');
    const lease = await leaseOf(`${prefix}/a`);
    assert.ok(lease);
    assert.equal(await leaseOf(`${prefix}/b`), lease);
    await keys.delete(`${prefix}/b`);
    assert.equal(await etcd.get().client().get(`${prefix}/b`).string(), null);
    await keys.dispose();
    assert.equal(await etcd.get().client().get(`${prefix}/a`).string(), null);
  });

  it('tells its listeners when the lease is lost, and a session record is written again under a new lease', async function () {
    this.timeout(20_000);
    const etcdPrefix = etcd.get().keySpace().prefix;
    const keys = new EtcdLeasedKeys(etcd.get().client(), { ttlSeconds: 3 });
    const liveness = new NodeLiveness({ gracePeriodMs: 60_000 });
    const prefix = nodeSessionsPrefix(etcdPrefix);
    const sessions = new ReplicaSessions({ liveness, keys, prefix, identity: 'cp-a', log: () => undefined });
    sessions.start();
    let losses = 0;
    keys.onLeaseLost(() => void (losses += 1));
    try {
      liveness.sessionOpened('pi-1');
      const key = `${prefix}pi-1/cp-a`;
      const first = await until(() => leaseOf(key), { timeoutMs: 5_000 });
      // Revoked behind its back, as etcd expires a lease it heard nothing about for a TTL.
      await etcd.get().client().leaseClient.leaseRevoke({ ID: first });
      const second = await until(async () => {
        const lease = await leaseOf(key);
        return lease !== undefined && lease !== first && lease;
      }, { timeoutMs: 10_000, describe: () => `losses=${losses}` });
      assert.notEqual(second, first);
      assert.equal(losses, 1);
    } finally {
      sessions.dispose();
      await keys.dispose();
    }
  });

  it('fails a put while etcd is away without reporting a lost lease (none was granted), and writes once etcd is back', async function () {
    this.timeout(30_000);
    const prefix = etcd.get().keySpace().prefix;
    const keys = new EtcdLeasedKeys(etcd.get().client(), { ttlSeconds: 3 });
    let losses = 0;
    keys.onLeaseLost(() => void (losses += 1));
    try {
      await etcd.get().stopEtcd();
      await assert.rejects(keys.put(`${prefix}/a`, 'one'));
      await assert.rejects(keys.put(`${prefix}/a`, 'one'));
      assert.equal(losses, 0);
      await etcd.get().startAgain();
      await until(() => keys.put(`${prefix}/a`, 'one').then(() => true), { timeoutMs: 15_000 });
      assert.ok(await leaseOf(`${prefix}/a`));
      assert.equal(losses, 0);
    } finally {
      await etcd.get().startAgain();
      await keys.dispose();
    }
  });
});
