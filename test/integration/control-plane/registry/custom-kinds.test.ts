import { strict as assert } from 'node:assert';
import type { CustomResourceDefinition } from '../../../../api/apiextensions-v1';
import { ensureDefaultNamespaces } from '../../../../control-plane/apiserver/ensure-default-namespaces';
import { CustomKinds } from '../../../../control-plane/registry/custom-resources/custom-kinds';
import { Registry } from '../../../../control-plane/registry/registry';
import { until } from '../../../../scripts/cluster/wait-until';
import { withEtcd } from '../../../support/etcd-fixture';

function aCrd(scope: 'Cluster' | 'Namespaced'): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gadgets.example.pikube.dev' },
    spec: {
      group: 'example.pikube.dev', scope, names: { plural: 'gadgets', kind: 'Gadget' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', default: 2 } } } } } } }],
    },
  };
}

/** Two control-plane replicas: each a Registry on the same etcd key space, each following the CRDs. */
describe('custom kinds served by every replica through a watch (real etcd)', function () {
  this.timeout(30_000);
  const etcd = withEtcd();
  const stops: (() => void)[] = [];
  after(() => stops.forEach((stop) => stop()));

  async function replica(): Promise<Registry> {
    const registry = new Registry({ store: etcd.get().store(), keySpace: space });
    const kinds = new CustomKinds(registry);
    await kinds.start();
    stops.push(() => kinds.dispose());
    return registry;
  }
  let space: { prefix: string };

  it('serves a CRD created through one replica in the other, and stops serving it once it is gone', async () => {
    space = etcd.get().keySpace();
    const [a, b] = [await replica(), await replica()];
    await a.create('customresourcedefinitions.apiextensions.k8s.io', undefined, aCrd('Cluster'));
    await until(() => b.resources.some((r) => r.resource === 'gadgets'), { timeoutMs: 10_000 });
    const gadget = await b.create<{ apiVersion: string; kind: string; metadata: { name: string }; spec?: { size?: number } }>(
      'gadgets.example.pikube.dev', undefined, { apiVersion: 'example.pikube.dev/v1', kind: 'Gadget', metadata: { name: 'g1' }, spec: {} });
    assert.deepEqual(gadget.spec, { size: 2 });
    assert.equal((await a.get('gadgets.example.pikube.dev', undefined, 'g1')).metadata.name, 'g1');
    const crd = await a.get<CustomResourceDefinition>('customresourcedefinitions.apiextensions.k8s.io', undefined, 'gadgets.example.pikube.dev');
    assert.deepEqual(crd.metadata.finalizers, ['customresourcecleanup.apiextensions.k8s.io']);
    assert.deepEqual(crd.status?.conditions?.map((c) => `${c.type}=${c.status}`), ['NamesAccepted=True', 'Established=True']);
    await a.delete('gadgets.example.pikube.dev', undefined, 'g1');
    await a.delete('customresourcedefinitions.apiextensions.k8s.io', undefined, 'gadgets.example.pikube.dev');
    await a.update('customresourcedefinitions.apiextensions.k8s.io', undefined, 'gadgets.example.pikube.dev', {
      ...(await a.get<CustomResourceDefinition>('customresourcedefinitions.apiextensions.k8s.io', undefined, 'gadgets.example.pikube.dev')),
      metadata: { ...crd.metadata, finalizers: [], resourceVersion: undefined },
    });
    await until(() => !b.resources.some((r) => r.resource === 'gadgets') && !a.resources.some((r) => r.resource === 'gadgets'), { timeoutMs: 10_000 });
  });

  it('refuses new objects while the CRD terminates', async () => {
    const a = await replica();
    await ensureDefaultNamespaces(a);
    await a.create('customresourcedefinitions.apiextensions.k8s.io', undefined, aCrd('Namespaced'));
    await until(() => a.resources.some((r) => r.resource === 'gadgets' && r.namespaced), { timeoutMs: 10_000 });
    await a.delete('customresourcedefinitions.apiextensions.k8s.io', undefined, 'gadgets.example.pikube.dev');
    await until(() => a.resources.find((r) => r.resource === 'gadgets')?.strategy, { timeoutMs: 10_000 });
    await until(async () => {
      try {
        await a.create('gadgets.example.pikube.dev', 'default', { apiVersion: 'example.pikube.dev/v1', kind: 'Gadget', metadata: { name: 'late' } });
        await a.delete('gadgets.example.pikube.dev', 'default', 'late');
        return false;
      } catch (err: unknown) {
        return /create not allowed while custom resource definition is terminating/.test(String(err));
      }
    }, { timeoutMs: 10_000 });
  });
});
