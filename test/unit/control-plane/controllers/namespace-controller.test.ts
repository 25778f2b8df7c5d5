import assert from 'node:assert/strict';
import type { Namespace } from '../../../../api/core-v1';
import { namespaceControllerWith } from '../../../../control-plane/controllers/namespace-controller';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import { until } from '../../../../scripts/cluster/wait-until';
import { ControllerHarness } from '../../../support/controller-harness';
import { anEndpoints, aPod, aService } from './fixtures';

describe('namespace controller over the in-memory store', () => {
  let harness: ControllerHarness;

  beforeEach(async () => {
    harness = new ControllerHarness({ store: new MemoryStore() }).run(namespaceControllerWith({ recheckMs: 50 }));
    await harness.registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gone' } });
  });

  afterEach(() => harness.stop());

  const namespace = (): Promise<Namespace | undefined> => harness.registry.get<Namespace>('namespaces', undefined, 'gone').catch(() => undefined);

  it('empties a Terminating namespace, then finalizes it so it goes', async () => {
    await harness.registry.create('services', 'gone', aService('web', { ports: [{ port: 80, protocol: 'TCP' }] }, 'gone'));
    await harness.registry.create('endpoints', 'gone', anEndpoints('web', ['10.0.0.1'], 'gone'));
    await harness.registry.delete('namespaces', undefined, 'gone');
    assert.equal((await namespace())?.status?.phase, 'Terminating');
    await until(async () => !(await namespace()), { timeoutMs: 3000, describe: async () => JSON.stringify(await namespace()) });
    assert.equal((await harness.registry.list('services', { namespace: 'gone' })).items.length, 0);
  });

  it('waits while a pod is still terminating on its node, and finalizes once it is gone', async () => {
    await harness.registry.create('pods', 'gone', aPod('p', { namespace: 'gone' }));
    await harness.registry.delete('namespaces', undefined, 'gone');
    const terminating = await until(async () => (await harness.registry.list('pods', { namespace: 'gone' })).items.find((p) => p.metadata.deletionTimestamp), { timeoutMs: 3000 });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await namespace())?.status?.phase, 'Terminating', 'a namespace with a pod left stays');
    await harness.registry.delete('pods', 'gone', terminating.metadata.name ?? '', { gracePeriodSeconds: 0 });
    await until(async () => !(await namespace()), { timeoutMs: 3000 });
  });
});
