import { strict as assert } from 'node:assert';
import type { ReplicaSet } from '../../../../api/apps-v1';
import type { Scale } from '../../../../api/autoscaling-v1';
import { Registry } from '../../../../control-plane/registry/registry';
import { MemoryStore } from '../../../../control-plane/store/memory-store';

const RS = 'replicasets.apps';

function aReplicaSet(): ReplicaSet {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web', tier: 'front' } }, template: { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
  };
}

function aScale(replicas: number, resourceVersion?: string): Scale {
  return { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'default', ...(resourceVersion ? { resourceVersion } : {}) }, spec: { replicas } };
}

describe('the scale subresource of a ReplicaSet', () => {
  let registry: Registry;
  let created: ReplicaSet;

  beforeEach(async () => {
    registry = new Registry({ store: new MemoryStore() });
    await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    created = await registry.create<ReplicaSet>(RS, 'default', aReplicaSet());
  });

  it('reads the ReplicaSet as an autoscaling/v1 Scale with its selector as a string', async () => {
    const scale = await registry.getScale(RS, 'default', 'web');
    const { name, namespace, uid, resourceVersion, creationTimestamp } = created.metadata;
    assert.deepEqual(scale, {
      apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
      spec: { replicas: 2 }, status: { replicas: 0, selector: 'app=web,tier=front' },
    });
  });

  it('sets spec.replicas alone, bumping the generation, and answers the new Scale', async () => {
    const scale = await registry.updateScale(RS, 'default', 'web', aScale(5));
    assert.equal(scale.spec?.replicas, 5);
    const rs = await registry.get<ReplicaSet>(RS, 'default', 'web');
    assert.equal(rs.spec.replicas, 5);
    assert.equal(rs.metadata.generation, 2);
    assert.deepEqual(rs.spec.template, created.spec.template);
    assert.equal(scale.metadata.resourceVersion, rs.metadata.resourceVersion);
  });

  it('takes a Scale\'s resourceVersion as a precondition: a stale one is a Conflict and writes nothing', async () => {
    await registry.updateScale(RS, 'default', 'web', aScale(3));
    await assert.rejects(registry.updateScale(RS, 'default', 'web', aScale(4, created.metadata.resourceVersion)), (err: Error & { code?: string }) => err.code === 'Conflict');
    assert.equal((await registry.get<ReplicaSet>(RS, 'default', 'web')).spec.replicas, 3);
  });

  it('applies a merge patch to the Scale and refuses a negative count with 422 on spec.replicas', async () => {
    assert.equal((await registry.patchScale(RS, 'default', 'web', 'merge-patch', { spec: { replicas: 0 } })).object.spec?.replicas, 0);
    await assert.rejects(registry.patchScale(RS, 'default', 'web', 'strategic-merge-patch', { spec: { replicas: -2 } }),
      (err: Error & { causes?: { field?: string }[] }) => /^Scale\.autoscaling "web" is invalid/.test(err.message) && err.causes?.[0]?.field === 'spec.replicas');
  });

  it('writes nothing on a dry run, and is NotFound for a kind without one', async () => {
    await registry.updateScale(RS, 'default', 'web', aScale(9), { dryRun: true });
    assert.equal((await registry.get<ReplicaSet>(RS, 'default', 'web')).spec.replicas, 2);
    await assert.rejects(registry.getScale('pods', 'default', 'web'), (err: Error & { code?: string }) => err.code === 'NotFound');
  });
});
