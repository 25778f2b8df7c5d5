import { strict as assert } from 'node:assert';
import type { Pod } from '../../../../api/core-v1';
import type { KubeObject } from '../../../../api/meta';
import { garbageCollectorController } from '../../../../control-plane/controllers/garbage-collector-controller';
import { namespaceController } from '../../../../control-plane/controllers/namespace-controller';
import { KINDS } from '../../../../control-plane/registry/kinds';
import { until } from '../../../../scripts/cluster/wait-until';
import type { ApiServerFixture } from '../../../support/api-server-fixture';
import { withApiAndControllers } from '../../../support/controllers-fixture';
import { WIDGETS, type Widget } from '../../../support/test-kind';

const W = 'widgets.example.pikube.dev';

function aWidget(name: string, namespace: string): Widget {
  return { apiVersion: 'example.pikube.dev/v1', kind: 'Widget', metadata: { name, namespace }, spec: { color: 'red', size: 1 } };
}

function aPod(name: string, namespace: string, owner: KubeObject, { blocking = true, nodeName }: { blocking?: boolean; nodeName?: string } = {}): Pod {
  const ref = { apiVersion: owner.apiVersion ?? '', kind: owner.kind ?? '', name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: blocking };
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, ownerReferences: [ref] }, spec: { nodeName, containers: [{ name: 'c', image: 'busybox:1.36' }] } };
}

describe('garbage collection through the real kubectl (real etcd)', function () {
  this.timeout(60_000);
  const fixture = withApiAndControllers([namespaceController, garbageCollectorController], { api: { kinds: [...KINDS, WIDGETS] } });
  const api = (): ApiServerFixture => fixture.get().api;
  const kubectl = (...args: string[]) => fixture.get().kubectl(args);

  const find = <T extends KubeObject>(resource: string, namespace: string, name: string): Promise<T | undefined> =>
    api().registry.get<T>(resource, namespace, name).catch(() => undefined);
  const gone = (resource: string, namespace: string, name: string) =>
    until(async () => (await find(resource, namespace, name)) === undefined, { timeoutMs: 10_000, describe: async () => JSON.stringify(await find(resource, namespace, name)) });

  async function widgetWithPods(namespace: string, name: string, pods: { name: string; blocking?: boolean; nodeName?: string }[]): Promise<Widget> {
    const owner = await api().registry.create<Widget>(W, namespace, aWidget(name, namespace));
    for (const p of pods) await api().registry.create('pods', namespace, aPod(p.name, namespace, owner, p));
    return owner;
  }

  it('kubectl delete (background by default) deletes the owner at once and its dependents after', async () => {
    await widgetWithPods('default', 'bg', [{ name: 'bg-1' }, { name: 'bg-2' }]);
    const deleted = await kubectl('delete', 'widget', 'bg');
    assert.equal(deleted.code, 0, deleted.out);
    assert.equal(await find(W, 'default', 'bg'), undefined);
    await gone('pods', 'default', 'bg-1');
    await gone('pods', 'default', 'bg-2');
  });

  it('kubectl delete --cascade=foreground keeps the owner, with foregroundDeletion, until its blocking dependents are gone', async () => {
    await widgetWithPods('default', 'fg', [{ name: 'fg-running', nodeName: 'node-a' }, { name: 'fg-loose', blocking: false }]);
    const deleted = await kubectl('delete', 'widget', 'fg', '--cascade=foreground', '--wait=false');
    assert.equal(deleted.code, 0, deleted.out);
    const owner = await find<Widget>(W, 'default', 'fg');
    assert.deepEqual(owner?.metadata.finalizers, ['foregroundDeletion']);
    assert.ok(owner?.metadata.deletionTimestamp);
    await gone('pods', 'default', 'fg-loose');
    await until(async () => (await find('pods', 'default', 'fg-running'))?.metadata.deletionTimestamp, { timeoutMs: 10_000 });
    const shown = await kubectl('get', 'widget', 'fg', '-o', 'jsonpath={.metadata.finalizers}');
    assert.equal(shown.stdout, '["foregroundDeletion"]', 'the owner waits while its pod terminates on its node');
    const forced = await kubectl('delete', 'pod', 'fg-running', '--grace-period=0', '--force');
    assert.equal(forced.code, 0, forced.out);
    await gone(W, 'default', 'fg');
  });

  it('kubectl delete --cascade=orphan deletes the owner and leaves its dependents without the reference', async () => {
    await widgetWithPods('default', 'or', [{ name: 'or-1' }]);
    const deleted = await kubectl('delete', 'widget', 'or', '--cascade=orphan');
    assert.equal(deleted.code, 0, deleted.out);
    await gone(W, 'default', 'or');
    const pod = await find<Pod>('pods', 'default', 'or-1');
    assert.ok(pod, 'the orphaned pod stays');
    assert.deepEqual(pod.metadata.ownerReferences ?? [], []);
  });

  it('deletes a dependent created with a reference to an owner that does not exist', async () => {
    const ghost = { ...aWidget('ghost', 'default'), metadata: { name: 'ghost', namespace: 'default', uid: '0b6c3a4e-0000-4000-8000-000000000000' } };
    await api().registry.create('pods', 'default', aPod('dangling', 'default', ghost));
    await gone('pods', 'default', 'dangling');
  });

  it('answers an unknown propagationPolicy with 422', async () => {
    await api().registry.create<Widget>(W, 'default', aWidget('kept', 'default'));
    const res = await api().request('DELETE', '/apis/example.pikube.dev/v1/namespaces/default/widgets/kept?propagationPolicy=Sideways');
    assert.equal(res.status, 422, res.text);
    assert.match(res.json<{ message: string }>().message, /propagationPolicy: Unsupported value: "Sideways"/);
    assert.ok(await find(W, 'default', 'kept'));
  });

  it('deleting a namespace still removes owners and dependents in it', async () => {
    assert.equal((await kubectl('create', 'namespace', 'doomed')).code, 0);
    await widgetWithPods('doomed', 'w', [{ name: 'p-1' }]);
    const deleted = await kubectl('delete', 'namespace', 'doomed');
    assert.equal(deleted.code, 0, deleted.out);
    await gone('namespaces', '', 'doomed');
    assert.equal((await api().registry.list('pods', { namespace: 'doomed' })).items.length, 0);
  });

  it('follows a custom kind served after it started: dependents of a custom object, and custom objects owned by a ConfigMap', async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.late.example.com}
spec:
  group: late.example.com
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`;
    assert.equal((await fixture.get().kubectl(['apply', '-f', '-'], crd)).code, 0);
    const G = 'gadgets.late.example.com';
    await until(() => api().registry.resources.some((r) => r.group === 'late.example.com'), { timeoutMs: 10_000 });
    const gadget = await api().registry.create<KubeObject>(G, 'default', { apiVersion: 'late.example.com/v1', kind: 'Gadget', metadata: { name: 'g1', namespace: 'default' } });
    await api().registry.create('pods', 'default', aPod('of-gadget', 'default', gadget));
    const holder = await api().registry.create<KubeObject>('configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'holder', namespace: 'default' } });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'holder', uid: holder.metadata.uid ?? '' };
    await api().registry.create<KubeObject>(G, 'default', { apiVersion: 'late.example.com/v1', kind: 'Gadget', metadata: { name: 'g2', namespace: 'default', ownerReferences: [ref] } });
    assert.equal((await kubectl('delete', 'gadget', 'g1')).code, 0);
    await gone('pods', 'default', 'of-gadget');
    assert.equal((await kubectl('delete', 'configmap', 'holder')).code, 0);
    await gone(G, 'default', 'g2');
  });
});
