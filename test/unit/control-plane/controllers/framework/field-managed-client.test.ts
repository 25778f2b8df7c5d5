import { strict as assert } from 'node:assert';
import type { ConfigMap } from '../../../../../api/config-v1';
import { KUBE_CONTROLLER_MANAGER, withFieldManager } from '../../../../../control-plane/controllers/framework/field-managed-client';
import { Registry } from '../../../../../control-plane/registry/registry';
import { MemoryStore } from '../../../../../control-plane/store/memory-store';

describe('a controller\'s client under its field manager', () => {
  it('records its creates and patches under the manager, and reads through', async () => {
    const registry = new Registry({ store: new MemoryStore() });
    await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    const client = withFieldManager(registry, KUBE_CONTROLLER_MANAGER);
    await client.create<ConfigMap>('configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } });
    await withFieldManager(registry, 'kube-scheduler').patch('configmaps', 'default', 'c', 'merge-patch', { data: { b: '2' } });
    const stored = await client.get<ConfigMap>('configmaps', 'default', 'c');
    assert.deepEqual(stored.metadata.managedFields?.map((e) => [e.manager, e.operation, e.fieldsV1]), [
      ['kube-controller-manager', 'Update', { 'f:data': { '.': {}, 'f:a': {} } }],
      ['kube-scheduler', 'Update', { 'f:data': { 'f:b': {} } }],
    ]);
    assert.equal(client.resources, registry.resources);
  });
});
