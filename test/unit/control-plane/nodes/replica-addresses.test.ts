import assert from 'node:assert/strict';
import { toDisposable, type Disposable } from '../../../../base/disposable';
import { ReplicaAddresses } from '../../../../control-plane/nodes/replica-addresses';
import { aReplicaAddressRecord, type ReplicaAddressRecord } from '../../../../control-plane/nodes/replica-address-record';
import type { LeasedKeys } from '../../../../control-plane/nodes/replica-sessions';
import { until } from '../../../../scripts/cluster/wait-until';

/** Leased keys in memory; `failures` puts fail before one lands; `loseLease()` empties them as etcd would. */
class FakeLeasedKeys implements LeasedKeys {
  readonly values = new Map<string, string>();
  failures = 0;
  private readonly listeners = new Set<() => void>();

  async put(key: string, value: string): Promise<void> {
    if (this.failures-- > 0) throw new Error('etcd unavailable');
    this.values.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }

  onLeaseLost(listener: () => void): Disposable {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  }

  loseLease(): void {
    this.values.clear();
    for (const l of this.listeners) l();
  }
}

describe('ReplicaAddresses', () => {
  const noWait = { sleep: async () => undefined };

  function setup(records: ReplicaAddressRecord[] = []): { keys: FakeLeasedKeys; addresses: ReplicaAddresses } {
    const keys = new FakeLeasedKeys();
    const addresses = new ReplicaAddresses({ keys, prefix: '/p/control-plane-replicas/', identity: 'cp-a', records: { list: () => records }, clock: noWait });
    return { keys, addresses };
  }

  it('records its node-service address under the lease, retrying a failed write', async () => {
    const { keys, addresses } = setup();
    keys.failures = 2;
    addresses.publish('10.0.0.1:6444');
    await until(() => keys.values.size === 1, { timeoutMs: 2000 });
    const stored = JSON.parse(keys.values.get('/p/control-plane-replicas/cp-a') ?? '{}') as ReplicaAddressRecord;
    assert.equal(stored.spec.nodeService, '10.0.0.1:6444');
    await addresses.dispose();
  });

  it('records its API server too, and lists every live replica\'s API server once, records without one or with a malformed one left out', async () => {
    const others = [aReplicaAddressRecord('cp-b', '10.0.0.2:6444', '10.0.0.2:6443'), aReplicaAddressRecord('cp-c', '10.0.0.3:6444'),
      aReplicaAddressRecord('cp-d', '10.0.0.4:6444', 'not an address'), aReplicaAddressRecord('cp-a', '10.0.0.1:6444', '10.0.0.1:6443')];
    const { keys, addresses } = setup(others);
    addresses.publish('10.0.0.1:6444', '10.0.0.1:6443');
    await until(() => keys.values.size === 1, { timeoutMs: 2000 });
    const stored = JSON.parse(keys.values.get('/p/control-plane-replicas/cp-a') ?? '{}') as ReplicaAddressRecord;
    assert.equal(stored.spec.apiServer, '10.0.0.1:6443');
    assert.deepEqual(addresses.apiServers(), [{ address: '10.0.0.1', port: 6443 }, { address: '10.0.0.2', port: 6443 }]);
    await addresses.dispose();
  });

  it('writes the record again once the lease was lost', async () => {
    const { keys, addresses } = setup();
    addresses.publish('10.0.0.1:6444');
    await until(() => keys.values.size === 1, { timeoutMs: 2000 });
    keys.loseLease();
    await until(() => keys.values.size === 1, { timeoutMs: 2000 });
    await addresses.dispose();
  });

  it('names its own address first, then every other live replica\'s, skipping malformed records', async () => {
    const malformed = { ...aReplicaAddressRecord('cp-x', 'x'), spec: { replica: 'cp-x', nodeService: 'a b;rm' } };
    const { addresses } = setup([aReplicaAddressRecord('cp-c', '10.0.0.3:6444'), aReplicaAddressRecord('cp-a', '10.0.0.1:6444'), aReplicaAddressRecord('cp-b', '10.0.0.2:6444'), malformed]);
    assert.deepEqual(addresses.servers(), ['10.0.0.2:6444', '10.0.0.1:6444', '10.0.0.3:6444'].sort());
    addresses.publish('10.0.0.1:6444');
    assert.deepEqual(addresses.servers(), ['10.0.0.1:6444', '10.0.0.2:6444', '10.0.0.3:6444']);
    await addresses.dispose();
  });
});
