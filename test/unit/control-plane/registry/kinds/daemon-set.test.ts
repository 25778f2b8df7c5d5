import assert from 'node:assert/strict';
import type { DaemonSet } from '../../../../../api/apps-v1';
import { Registry } from '../../../../../control-plane/registry/registry';
import { MemoryStore } from '../../../../../control-plane/store/memory-store';

const DS = 'daemonsets.apps';
const TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';

function aDaemonSet(annotations?: Record<string, string>): DaemonSet {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } } },
  };
}

describe('DaemonSets in the registry: the template generation', () => {
  let registry: Registry;

  beforeEach(async () => {
    registry = new Registry({ store: new MemoryStore() });
    await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  });

  const generationOf = (ds: DaemonSet): string | undefined => ds.metadata.annotations?.[TEMPLATE_GENERATION];

  it('is 1 at creation, or a higher value sent with it', async () => {
    assert.equal(generationOf(await registry.create<DaemonSet>(DS, 'default', aDaemonSet())), '1');
    await registry.delete(DS, 'default', 'agent');
    assert.equal(generationOf(await registry.create<DaemonSet>(DS, 'default', aDaemonSet({ [TEMPLATE_GENERATION]: '4' }))), '4');
  });

  it('goes up by one with each template change, never with other changes, and cannot be set by clients', async () => {
    await registry.create(DS, 'default', aDaemonSet());
    const patch = (body: unknown): Promise<DaemonSet> => registry.patch<DaemonSet>(DS, 'default', 'agent', 'merge-patch', body).then((r) => r.object);
    const imaged = await patch({ spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } } });
    assert.deepEqual([generationOf(imaged), imaged.metadata.generation], ['2', 2]);
    const slower = await patch({ spec: { minReadySeconds: 5 } });
    assert.deepEqual([generationOf(slower), slower.metadata.generation], ['2', 3]);
    const forged = await patch({ metadata: { annotations: { [TEMPLATE_GENERATION]: '9', team: 'a' } } });
    assert.deepEqual([generationOf(forged), forged.metadata.generation], ['2', 3]);
    const stripped = await patch({ metadata: { annotations: { [TEMPLATE_GENERATION]: null } } });
    assert.equal(generationOf(stripped), '2');
  });
});
