import assert from 'node:assert/strict';
import type { Deployment } from '../../../../../api/apps-v1';
import { isApiError } from '../../../../../api/errors';
import { Registry } from '../../../../../control-plane/registry/registry';
import { MemoryStore } from '../../../../../control-plane/store/memory-store';

const DEPLOY = 'deployments.apps';

function aDeployment(): Deployment {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
  };
}

describe('Deployments in the registry', () => {
  let registry: Registry;

  beforeEach(async () => {
    registry = new Registry({ store: new MemoryStore() });
    await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  });

  it('a status write keeps the annotations it carries (the revision) without a new generation, but neither labels nor spec', async () => {
    const created = await registry.create<Deployment>(DEPLOY, 'default', aDeployment());
    const body: Deployment = {
      ...created,
      metadata: { ...created.metadata, labels: { app: 'other' }, annotations: { 'deployment.kubernetes.io/revision': '1' }, generation: 9 },
      spec: { ...created.spec, replicas: 5 },
      status: { observedGeneration: 1, replicas: 2 },
    };
    const written = await registry.updateStatus<Deployment>(DEPLOY, 'default', 'web', body);
    assert.deepEqual(written.metadata.annotations, { 'deployment.kubernetes.io/revision': '1' });
    assert.deepEqual(written.metadata.labels, { app: 'web' });
    assert.equal(written.metadata.generation, 1);
    assert.equal(written.metadata.uid, created.metadata.uid);
    assert.equal(written.spec.replicas, 2);
    assert.deepEqual(written.status, { observedGeneration: 1, replicas: 2 });
  });

  it('a status write with a stale resourceVersion is a Conflict', async () => {
    const created = await registry.create<Deployment>(DEPLOY, 'default', aDeployment());
    await registry.updateStatus<Deployment>(DEPLOY, 'default', 'web', { ...created, status: { replicas: 1 } });
    await assert.rejects(registry.updateStatus<Deployment>(DEPLOY, 'default', 'web', { ...created, status: { replicas: 2 } }), (err: unknown) => isApiError(err, 'Conflict'));
  });
});
