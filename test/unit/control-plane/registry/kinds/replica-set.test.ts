import assert from 'node:assert/strict';
import type { ReplicaSet } from '../../../../../api/apps-v1';
import { Registry } from '../../../../../control-plane/registry/registry';
import { MemoryStore } from '../../../../../control-plane/store/memory-store';

const RS = 'replicasets.apps';

function aReplicaSet(replicas?: number): ReplicaSet {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default' },
    spec: { ...(replicas === undefined ? {} : { replicas }), selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    status: { replicas: 7, readyReplicas: 7 },
  };
}

describe('ReplicaSets in the registry', () => {
  let registry: Registry;

  beforeEach(async () => {
    registry = new Registry({ store: new MemoryStore() });
    await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  });

  it('is created at generation 1 with 1 replica by default, the template defaulted, and an empty status whatever was sent', async () => {
    const rs = await registry.create<ReplicaSet>(RS, 'default', aReplicaSet());
    assert.equal(rs.metadata.generation, 1);
    assert.equal(rs.spec.replicas, 1);
    assert.equal(rs.spec.template?.spec.restartPolicy, 'Always');
    assert.deepEqual(rs.status, { replicas: 0 });
  });

  it('bumps the generation on a spec change only, and keeps status out of main-resource writes', async () => {
    await registry.create(RS, 'default', aReplicaSet(2));
    const labelled = (await registry.patch<ReplicaSet>(RS, 'default', 'web', 'merge-patch', { metadata: { labels: { team: 'a' } }, status: { replicas: 9 } })).object;
    assert.equal(labelled.metadata.generation, 1);
    assert.deepEqual(labelled.status, { replicas: 0 });
    const scaled = (await registry.patch<ReplicaSet>(RS, 'default', 'web', 'merge-patch', { spec: { replicas: 3 } })).object;
    assert.equal(scaled.metadata.generation, 2);
  });

  it('takes status through …/status only, without touching the spec, and checks its counts', async () => {
    const rs = await registry.create<ReplicaSet>(RS, 'default', aReplicaSet(2));
    const written = await registry.updateStatus<ReplicaSet>(RS, 'default', 'web', { ...rs, spec: { ...rs.spec, replicas: 5 }, status: { replicas: 2, readyReplicas: 1, observedGeneration: 1 } });
    assert.deepEqual(written.status, { replicas: 2, readyReplicas: 1, observedGeneration: 1 });
    assert.equal(written.spec.replicas, 2);
    await assert.rejects(registry.updateStatus(RS, 'default', 'web', { ...written, status: { replicas: 1, readyReplicas: 2 } }),
      (err: Error & { causes?: { field?: string }[] }) => err.causes?.[0]?.field === 'status.readyReplicas');
  });

  it('selects by status.replicas', async () => {
    await registry.create(RS, 'default', aReplicaSet(2));
    assert.equal((await registry.list(RS, { fieldSelector: 'status.replicas=0' })).items.length, 1);
    assert.equal((await registry.list(RS, { fieldSelector: 'status.replicas=2' })).items.length, 0);
  });
});
