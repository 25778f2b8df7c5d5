import { strict as assert } from 'node:assert';
import { isApiError, type ApiError } from '../../../../api/errors';
import type { KubeObject } from '../../../../api/meta';
import { appliedFields, applyOwnership, removeReleased } from '../../../../control-plane/registry/field-ownership';

const NOW = new Date('2026-12-07T10:00:00.123Z');

function configMap(data: Record<string, string>, managedFields?: KubeObject['metadata']['managedFields']): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', managedFields }, data } as KubeObject;
}

/** Applies `config` as `manager` onto `current`, returning the new object as the registry stores it. */
function apply(current: KubeObject | undefined, config: KubeObject, manager: string, force = false): KubeObject {
  const merged = structuredClone({ ...(current ?? config), data: { ...((current as { data?: object })?.data ?? {}), ...(config as { data?: object }).data } }) as KubeObject;
  const owned = applyOwnership(current, config, appliedFields(config, 'v1/ConfigMap'), { manager, force, apiVersion: 'v1', now: NOW, kindKey: 'v1/ConfigMap' });
  removeReleased(merged, owned.released);
  merged.metadata.managedFields = owned.managedFields;
  return merged;
}

describe('server-side apply field ownership', () => {
  it('lists the leaves of a configuration, merge-key list items by their key', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } as KubeObject;
    assert.deepEqual(appliedFields(pod, 'v1/Pod'), [['f:metadata', 'f:labels', 'f:app'], ['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']]);
  });

  it('records the applier\'s fields as FieldsV1 in an Apply entry', () => {
    const created = apply(undefined, configMap({ a: '1' }), 'alice');
    assert.deepEqual(created.metadata.managedFields, [{ manager: 'alice', operation: 'Apply', apiVersion: 'v1', time: '2026-12-07T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }]);
  });

  it('refuses a field another applier owns with another value, naming it; shares an equal one', () => {
    const live = apply(undefined, configMap({ a: '1', b: '2' }), 'alice');
    assert.throws(() => apply(live, configMap({ a: 'x' }), 'bob'), (err: ApiError) => {
      assert.ok(isApiError(err, 'Conflict'));
      assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "alice": .data.a');
      assert.deepEqual(err.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.data.a' }]);
      return true;
    });
    const shared = apply(live, configMap({ b: '2' }), 'bob');
    assert.deepEqual(shared.metadata.managedFields?.map((e) => [e.manager, e.fieldsV1]), [['alice', { 'f:data': { 'f:a': {}, 'f:b': {} } }], ['bob', { 'f:data': { 'f:b': {} } }]]);
  });

  it('takes a conflicting field over when forced', () => {
    const live = apply(undefined, configMap({ a: '1', b: '2' }), 'alice');
    const forced = apply(live, configMap({ a: 'x' }), 'bob', true);
    assert.deepEqual(forced.metadata.managedFields?.map((e) => [e.manager, e.fieldsV1]), [['alice', { 'f:data': { 'f:b': {} } }], ['bob', { 'f:data': { 'f:a': {} } }]]);
  });

  it('removes a field its applier stopped applying, unless another manager owns it', () => {
    const live = apply(apply(undefined, configMap({ a: '1', b: '2' }), 'alice'), configMap({ b: '2' }), 'bob');
    const next = apply(live, configMap({}), 'alice');
    assert.deepEqual((next as { data?: object }).data, { b: '2' });
  });

  it('removes a merge-key list item its applier stopped applying as a whole', () => {
    const pod = (names: string[]): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: names.map((name) => ({ name, image: 'busybox' })) } }) as KubeObject;
    const ownership = (current: KubeObject | undefined, config: KubeObject) => applyOwnership(current, config, appliedFields(config, 'v1/Pod'), { manager: 'me', force: false, apiVersion: 'v1', now: NOW, kindKey: 'v1/Pod' });
    const live = pod(['a', 'b']);
    live.metadata.managedFields = ownership(undefined, live).managedFields;
    const owned = ownership(live, pod(['a']));
    assert.deepEqual(owned.released, [['f:spec', 'f:containers', 'k:{"name":"b"}']]);
    removeReleased(live, owned.released);
    assert.deepEqual((live as { spec?: { containers: { name: string }[] } }).spec?.containers.map((c) => c.name), ['a']);
  });

  it('lets kubectl --server-side take over what a client-side apply set and still holds, but nothing else (the upgrade)', () => {
    const lastApplied = JSON.stringify(configMap({ a: '1', b: '1' }));
    const live = configMap({ a: '1', b: '1', c: '1' }, [{ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', time: '2026-12-07T09:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:a': {}, 'f:b': {}, 'f:c': {} } } }]);
    live.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied };
    const upgraded = apply(live, configMap({ a: '2', b: '2' }), 'kubectl');
    assert.deepEqual(upgraded.metadata.managedFields?.map((e) => [e.manager, e.fieldsV1]), [['kubectl', { 'f:data': { 'f:a': {}, 'f:b': {} } }], ['kubectl-client-side-apply', { 'f:data': { '.': {}, 'f:c': {} } }]]);
    assert.throws(() => apply(live, configMap({ a: '2', c: '2' }), 'kubectl'), /Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: \.data\.c/);
    assert.throws(() => apply(live, configMap({ a: '2' }), 'someone-else'), /conflict with "kubectl-client-side-apply" using v1: \.data\.a/);
  });

  it('keeps a map an applier owned as itself when released, removing only its released leaves', () => {
    const owned = { 'f:data': { '.': {}, 'f:a': {}, 'f:b': {} } };
    const live = configMap({ a: '1', b: '1', c: '1' }, [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2026-12-07T09:00:00Z', fieldsType: 'FieldsV1', fieldsV1: owned }]);
    const next = apply(live, configMap({ a: '2' }), 'kubectl');
    assert.deepEqual((next as { data?: object }).data, { a: '2', c: '1' });
  });
});
