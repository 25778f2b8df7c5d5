import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import type { KubeObject, OwnerReference } from '../../../../api/meta';
import { garbageCollectorController } from '../../../../control-plane/controllers/garbage-collector-controller';
import { KINDS } from '../../../../control-plane/registry/kinds';
import { Registry } from '../../../../control-plane/registry/registry';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import { until } from '../../../../scripts/cluster/wait-until';
import { ControllerHarness } from '../../../support/controller-harness';
import { WIDGETS, type Widget } from '../../../support/test-kind';

const W = 'widgets.example.pikube.dev';

function aPod(name: string, owners: KubeObject[] = [], { blocking = false, nodeName }: { blocking?: boolean; nodeName?: string } = {}): Pod {
  const ownerReferences = owners.map((o): OwnerReference => ({ apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata.name ?? '', uid: o.metadata.uid ?? '', blockOwnerDeletion: blocking }));
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ownerReferences }, spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }] } };
}

function aWidget(name: string): Widget {
  return { apiVersion: 'example.pikube.dev/v1', kind: 'Widget', metadata: { name, namespace: 'default' }, spec: { color: 'red', size: 1 } };
}

describe('garbage collector over the in-memory store', () => {
  let store: MemoryStore;
  let harness: ControllerHarness;
  let registry: Registry;

  beforeEach(async () => {
    store = new MemoryStore();
    registry = new Registry({ store, kinds: [...KINDS, WIDGETS] });
    await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    harness = new ControllerHarness({ store, registry }).run(garbageCollectorController);
  });

  afterEach(() => harness.stop());

  const find = (resource: string, name: string): Promise<KubeObject | undefined> => registry.get(resource, 'default', name).catch(() => undefined);
  const gone = (resource: string, name: string) => until(async () => (await find(resource, name)) === undefined, { timeoutMs: 3000, describe: async () => JSON.stringify(await find(resource, name)) });
  const settle = () => new Promise((r) => setTimeout(r, 150));

  it('deletes the dependents of an owner deleted in the background, of any kind', async () => {
    const owner = await registry.create<Widget>(W, 'default', aWidget('w'));
    await registry.create('pods', 'default', aPod('child', [owner]));
    const grandchild = await registry.get<Pod>('pods', 'default', 'child').then((child) => registry.create('pods', 'default', aPod('grandchild', [child])));
    await registry.delete(W, 'default', 'w', { propagationPolicy: 'Background' });
    await gone('pods', 'child');
    await gone('pods', grandchild.metadata.name ?? '');
  });

  it('deletes a dependent whose owner never existed, and only drops a dangling reference beside a live owner', async () => {
    const owner = await registry.create<Widget>(W, 'default', aWidget('w'));
    const ghost = { ...aWidget('ghost'), metadata: { name: 'ghost', uid: 'no-such-uid' } };
    await registry.create('pods', 'default', aPod('orphaned', [ghost]));
    await registry.create('pods', 'default', aPod('kept', [owner, ghost]));
    await gone('pods', 'orphaned');
    const kept = await until(async () => {
      const pod = await find('pods', 'kept');
      return pod?.metadata.ownerReferences?.length === 1 && pod;
    }, { timeoutMs: 3000 });
    assert.equal(kept.metadata.ownerReferences?.[0]?.uid, owner.metadata.uid);
  });

  it('deletes the dependent of a deleted owner whose name another object has now (owners are known by uid)', async () => {
    const first = await registry.create<Widget>(W, 'default', aWidget('w'));
    await registry.delete(W, 'default', 'w', { propagationPolicy: 'Orphan' });
    await gone(W, 'w');
    await registry.create<Widget>(W, 'default', aWidget('w'));
    await registry.create('pods', 'default', aPod('of-the-first', [first]));
    await gone('pods', 'of-the-first');
  });

  it('keeps an owner deleted in the foreground until its blocking dependents are gone', async () => {
    const owner = await registry.create<Widget>(W, 'default', aWidget('w'));
    await registry.create('pods', 'default', aPod('on-node', [owner], { blocking: true, nodeName: 'pi1' }));
    await registry.create('pods', 'default', aPod('loose', [owner]));
    const marked = await registry.delete(W, 'default', 'w', { propagationPolicy: 'Foreground' });
    assert.deepEqual(marked.object.metadata.finalizers, ['foregroundDeletion']);
    await until(async () => (await find('pods', 'on-node'))?.metadata.deletionTimestamp, { timeoutMs: 3000 });
    await gone('pods', 'loose');
    await settle();
    assert.ok(await find(W, 'w'), 'the owner waits for its blocking dependent, still terminating on its node');
    await registry.delete('pods', 'default', 'on-node', { gracePeriodSeconds: 0 });
    await gone(W, 'w');
  });

  it('orphans the dependents of an owner deleted with Orphan, then lets the owner go', async () => {
    const owner = await registry.create<Widget>(W, 'default', aWidget('w'));
    const other = await registry.create<Widget>(W, 'default', aWidget('other'));
    await registry.create('pods', 'default', aPod('child', [owner, other], { blocking: true }));
    await registry.delete(W, 'default', 'w', { propagationPolicy: 'Orphan' });
    await gone(W, 'w');
    const child = await find('pods', 'child');
    assert.deepEqual(child?.metadata.ownerReferences?.map((r) => r.uid), [other.metadata.uid]);
  });

  it('breaks a foreground cycle: two objects owning each other both go', async () => {
    const a = await registry.create<Pod>('pods', 'default', aPod('a'));
    const b = await registry.create<Pod>('pods', 'default', aPod('b', [a], { blocking: true }));
    await registry.guaranteedUpdate<Pod>('pods', 'default', 'a', (pod) => ({ ...pod, metadata: { ...pod.metadata, ownerReferences: aPod('', [b], { blocking: true }).metadata.ownerReferences } }));
    await registry.delete('pods', 'default', 'a', { propagationPolicy: 'Foreground' });
    await gone('pods', 'a');
    await gone('pods', 'b');
  });

  it('writes nothing while there is nothing to collect', async () => {
    const owner = await registry.create<Widget>(W, 'default', aWidget('w'));
    await registry.create('pods', 'default', aPod('child', [owner]));
    await settle();
    const before = await store.currentRevision();
    await settle();
    assert.equal(await store.currentRevision(), before);
    assert.ok(await find('pods', 'child'));
  });
});
