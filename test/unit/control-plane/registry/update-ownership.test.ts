import { strict as assert } from 'node:assert';
import type { Deployment } from '../../../../api/apps-v1';
import type { ConfigMap } from '../../../../api/config-v1';
import type { Pod } from '../../../../api/core-v1';
import { isApiError, type ApiError } from '../../../../api/errors';
import type { KubeObject, ManagedFieldsEntry } from '../../../../api/meta';
import { kindPatchSchema } from '../../../../control-plane/apiserver/patch/patch-meta';
import { fieldChanges } from '../../../../control-plane/registry/field-diff';
import { Registry } from '../../../../control-plane/registry/registry';
import { ANCIENT_CHANGES, MAX_UPDATE_MANAGERS, updateOwnership } from '../../../../control-plane/registry/update-ownership';
import { MemoryStore } from '../../../../control-plane/store/memory-store';

const POD_SCHEMA = kindPatchSchema('v1/Pod');
const everything = (): boolean => true;

function changesOf(before: KubeObject | undefined, after: KubeObject) {
  if (!POD_SCHEMA) throw new Error('no Pod schema');
  return fieldChanges(before as Record<string, unknown> | undefined, after as unknown as Record<string, unknown>, POD_SCHEMA, (m) => m !== 'status');
}

function aPod(image = 'nginx', labels: Record<string, string> = { app: 'web' }): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels }, spec: { containers: [{ name: 'web', image }] } };
}

const at = (second: number): Date => new Date(Date.UTC(2026, 11, 7, 10, 0, second, 500));
const writer = (manager: string, second = 0, subresource?: string) => ({ manager, apiVersion: 'v1', subresource, now: at(second) });

function entry(manager: string, operation: 'Apply' | 'Update', fieldsV1: object, time = '2026-12-07T09:00:00Z'): ManagedFieldsEntry {
  return { manager, operation, apiVersion: 'v1', time, fieldsType: 'FieldsV1', fieldsV1 };
}

describe('Update entries of managedFields (writes other than apply)', () => {
  it('gives a create every field it set: maps and merge-key items as members themselves, the item key too', () => {
    const managed = updateOwnership([], changesOf(undefined, aPod()), writer('kubectl-create'));
    assert.deepEqual(managed, [{
      manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time: '2026-12-07T10:00:00Z', fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': { '.': {}, 'k:{"name":"web"}': { '.': {}, 'f:name': {}, 'f:image': {} } } } },
    }]);
  });

  it('reports nothing for an unchanged object, and leaves the entries as they were', () => {
    const live = aPod();
    const changes = changesOf(live, structuredClone(live));
    assert.deepEqual(changes, { changed: {}, removed: [] });
    const entries = [entry('alice', 'Apply', { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:image': {} } } } })];
    assert.deepEqual(updateOwnership(entries, changes, writer('kubectl-edit', 5)), entries);
  });

  it('takes a changed field from the applier that owned it, the rest of its fields staying', () => {
    const live = aPod('nginx');
    const applied = entry('alice', 'Apply', { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:name': {}, 'f:image': {} } } } });
    const managed = updateOwnership([applied], changesOf(live, aPod('nginx:2')), writer('kubectl-edit', 3));
    assert.deepEqual(managed.map((e) => [e.manager, e.operation, e.fieldsV1]), [
      ['alice', 'Apply', { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:name': {} } } } }],
      ['kubectl-edit', 'Update', { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:image': {} } } } }],
    ]);
  });

  it('takes a removed field from everybody and drops an entry left empty', () => {
    const live = aPod('nginx', { app: 'web', tier: 'a' });
    const labeller = entry('kubectl-label', 'Update', { 'f:metadata': { 'f:labels': { 'f:tier': {} } } });
    const managed = updateOwnership([labeller], changesOf(live, aPod('nginx', { app: 'web' })), writer('kubectl-label', 4));
    assert.deepEqual(managed, []);
  });

  it('merges a writer\'s changes into its entry of the same manager, operation and subresource, with the new time', () => {
    const first = updateOwnership([], changesOf(aPod(), aPod('nginx', { app: 'web', a: '1' })), writer('kubectl-label', 1));
    const second = updateOwnership(first, changesOf(aPod('nginx', { app: 'web', a: '1' }), aPod('nginx', { app: 'web', a: '1', b: '2' })), writer('kubectl-label', 2));
    assert.deepEqual(second.map((e) => [e.manager, e.time, e.fieldsV1]), [['kubectl-label', '2026-12-07T10:00:02Z', { 'f:metadata': { 'f:labels': { 'f:a': {}, 'f:b': {} } } }]]);
    const status = updateOwnership(second, { changed: { 'f:status': { 'f:phase': {} } }, removed: [] }, writer('kubectl-label', 3, 'status'));
    assert.deepEqual(status.map((e) => [e.manager, e.subresource]), [['kubectl-label', undefined], ['kubectl-label', 'status']]);
  });

  it('keeps merge-key list items apart: a change to one container leaves the other\'s owner alone', () => {
    const two = (a: string, b: string): Pod => ({ ...aPod(), spec: { containers: [{ name: 'a', image: a }, { name: 'b', image: b }] } });
    const owners = [entry('x', 'Update', { 'f:spec': { 'f:containers': { 'k:{"name":"a"}': { 'f:image': {} }, 'k:{"name":"b"}': { 'f:image': {} } } } })];
    const changes = changesOf(two('1', '1'), two('1', '2'));
    assert.deepEqual(changes.changed, { 'f:spec': { 'f:containers': { 'k:{"name":"b"}': { 'f:image': {} } } } });
    const managed = updateOwnership(owners, changes, writer('y', 1));
    assert.deepEqual(managed.map((e) => [e.manager, e.fieldsV1]), [
      ['x', { 'f:spec': { 'f:containers': { 'k:{"name":"a"}': { 'f:image': {} } } } }],
      ['y', { 'f:spec': { 'f:containers': { 'k:{"name":"b"}': { 'f:image': {} } } } }],
    ]);
  });

  it('removes a whole container item from its owners when the container goes', () => {
    const withSidecar: Pod = { ...aPod(), spec: { containers: [{ name: 'web', image: 'nginx' }, { name: 'side', image: 'busybox' }] } };
    const changes = changesOf(withSidecar, aPod());
    assert.deepEqual(changes, { changed: {}, removed: [['f:spec', 'f:containers', 'k:{"name":"side"}']] });
    const owner = entry('x', 'Update', { 'f:spec': { 'f:containers': { 'k:{"name":"side"}': { '.': {}, 'f:image': {}, 'f:name': {} }, 'k:{"name":"web"}': { 'f:image': {} } } } });
    assert.deepEqual(updateOwnership([owner], changes, writer('y')).map((e) => e.fieldsV1), [{ 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:image': {} } } } }]);
  });

  it('compares only the members a write may change', () => {
    const before = { ...aPod(), status: { phase: 'Pending' } } as KubeObject;
    const after = { ...aPod('other'), status: { phase: 'Running' } } as KubeObject;
    const statusOnly = fieldChanges(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>, POD_SCHEMA ?? { kind: 'unknown' }, (m) => m === 'status');
    assert.deepEqual(statusOnly.changed, { 'f:status': { 'f:phase': {} } });
    const all = fieldChanges(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>, POD_SCHEMA ?? { kind: 'unknown' }, everything);
    assert.deepEqual(Object.keys(all.changed), ['f:spec', 'f:status']);
  });

  it(`keeps at most ${MAX_UPDATE_MANAGERS} Update entries, merging the oldest into ${ANCIENT_CHANGES}`, () => {
    let managed: ManagedFieldsEntry[] = [entry('applier', 'Apply', { 'f:data': { 'f:keep': {} } })];
    for (let i = 0; i < MAX_UPDATE_MANAGERS + 2; i++) managed = updateOwnership(managed, { changed: { 'f:data': { [`f:k${i}`]: {} } }, removed: [] }, writer(`m${i}`, i));
    assert.equal(managed.filter((e) => e.operation === 'Update').length, MAX_UPDATE_MANAGERS);
    assert.equal(managed[0].manager, 'applier');
    const ancient = managed.find((e) => e.manager === ANCIENT_CHANGES);
    assert.deepEqual(ancient?.fieldsV1, { 'f:data': { 'f:k0': {}, 'f:k1': {}, 'f:k2': {} } });
    assert.equal(ancient?.time, '2026-12-07T10:00:02Z');
    assert.deepEqual(managed.slice(2).map((e) => e.manager), ['m3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10', 'm11']);
  });
});

describe('Update entries through the registry', () => {
  let registry: Registry;
  let clock = 0;

  beforeEach(async () => {
    clock = 0;
    registry = new Registry({ store: new MemoryStore(), now: () => at(clock) });
    await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  });

  const managers = (o: KubeObject) => o.metadata.managedFields?.map((e) => [e.manager, e.operation, e.subresource, e.fieldsV1]);

  it('records a create under its fieldManager, and the control plane\'s own writes under kube-apiserver', async () => {
    const created = await registry.create<ConfigMap>('configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } }, { fieldManager: 'kubectl-create' });
    assert.deepEqual(managers(created), [['kubectl-create', 'Update', undefined, { 'f:data': { '.': {}, 'f:a': {} } }]]);
    clock = 1;
    const outcome = await registry.guaranteedUpdate<ConfigMap>('configmaps', 'default', 'c', (cm) => ({ ...cm, data: { a: '2' } }));
    assert.deepEqual(managers(outcome.object), [['kubectl-create', 'Update', undefined, { 'f:data': {} }], ['kube-apiserver', 'Update', undefined, { 'f:data': { 'f:a': {} } }]]);
  });

  it('writes nothing for an update that changes nothing (no new time)', async () => {
    const created = await registry.create<ConfigMap>('configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } }, { fieldManager: 'm' });
    clock = 9;
    const outcome = await registry.patch<ConfigMap>('configmaps', 'default', 'c', 'merge-patch', { data: { a: '1' } }, { fieldManager: 'm' });
    assert.equal(outcome.object.metadata.resourceVersion, created.metadata.resourceVersion);
  });

  it('records a status write with subresource status, owning only what it changed under status', async () => {
    const pod = await registry.create<Pod>('pods', 'default', aPod(), { fieldManager: 'kubectl-run' });
    const owned = JSON.stringify(pod.metadata.managedFields);
    assert.ok(!owned.includes('f:status'), owned);
    clock = 2;
    const written = await registry.guaranteedUpdate<Pod>('pods', 'default', 'p', (p) => ({ ...p, status: { ...p.status, phase: 'Running', podIP: '10.42.0.7' } }), { subresource: 'status', fieldManager: 'kubelet' });
    const kubelet = written.object.metadata.managedFields?.find((e) => e.manager === 'kubelet');
    assert.deepEqual([kubelet?.operation, kubelet?.subresource, kubelet?.fieldsV1], ['Update', 'status', { 'f:status': { 'f:phase': {}, 'f:podIP': {} } }]);
  });

  it('keeps the live entries when a PUT sends none, takes the ones it sends, and clears them for [{}]', async () => {
    const cm: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
    await registry.create<ConfigMap>('configmaps', 'default', cm, { fieldManager: 'kubectl-create' });
    const replaced = await registry.update<ConfigMap>('configmaps', 'default', 'c', { ...cm, data: { a: '1', b: '2' } }, { fieldManager: 'kubectl-replace' });
    assert.deepEqual(replaced.object.metadata.managedFields?.map((e) => e.manager), ['kubectl-create', 'kubectl-replace']);
    const cleared = await registry.patch<ConfigMap>('configmaps', 'default', 'c', 'merge-patch', { metadata: { managedFields: [{}] } }, { fieldManager: 'kubectl-patch' });
    assert.equal(cleared.object.metadata.managedFields, undefined);
  });

  it('records a scale as the scale subresource\'s, which an apply of other replicas then conflicts with', async () => {
    const deployment: Deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
    };
    await registry.create('deployments.apps', 'default', deployment, { fieldManager: 'kubectl-create' });
    clock = 3;
    await registry.patchScale('deployments.apps', 'default', 'web', 'merge-patch', { spec: { replicas: 3 } }, { fieldManager: 'kubectl-scale' });
    const scaled = await registry.get<Deployment>('deployments.apps', 'default', 'web');
    assert.deepEqual(scaled.metadata.managedFields?.map((e) => [e.manager, e.apiVersion, e.subresource, e.fieldsV1]).slice(1), [['kubectl-scale', 'apps/v1', 'scale', { 'f:spec': { 'f:replicas': {} } }]]);
    assert.ok(!JSON.stringify(scaled.metadata.managedFields?.[0].fieldsV1).includes('f:replicas'), 'the creator no longer owns replicas');
    const apply = { ...deployment, spec: { ...deployment.spec, replicas: 5 } };
    await assert.rejects(registry.patch('deployments.apps', 'default', 'web', 'apply-patch', apply, { fieldManager: 'kubectl' }), (err: ApiError) => {
      assert.ok(isApiError(err, 'Conflict'));
      assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-scale" with subresource "scale" using apps/v1: .spec.replicas');
      return true;
    });
    const forced = await registry.patch<Deployment>('deployments.apps', 'default', 'web', 'apply-patch', apply, { fieldManager: 'kubectl', force: true });
    assert.deepEqual(forced.object.metadata.managedFields?.map((e) => [e.manager, e.operation]), [['kubectl', 'Apply'], ['kubectl-create', 'Update']]);
    assert.equal(forced.object.spec?.replicas, 5);
  });
});
