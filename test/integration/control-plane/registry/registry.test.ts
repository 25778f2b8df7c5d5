import { strict as assert } from 'node:assert';
import type { Event, Namespace, Node, Pod } from '../../../../api/core-v1';
import { ApiError } from '../../../../api/errors';
import type { KubeObject } from '../../../../api/meta';
import { ensureDefaultNamespaces } from '../../../../control-plane/apiserver/ensure-default-namespaces';
import { EventRecorder } from '../../../../control-plane/registry/event-recorder';
import { Registry, type RegistryWatchEvent } from '../../../../control-plane/registry/registry';
import type { KeySpace } from '../../../../control-plane/store/keys';
import type { Store } from '../../../../control-plane/store/store';
import { until } from '../../../../scripts/cluster/wait-until';
import { withEtcd } from '../../../support/etcd-fixture';
import { apiRejection } from '../../../support/api-rejection';

function aPod(name: string, labels: Record<string, string> = {}, nodeName?: string): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels },
    spec: { nodeName, containers: [{ name: 'c', image: 'busybox:1.36', resources: { limits: { cpu: '100m', memory: '32Mi' } } }] },
  };
}

function aNode(name: string): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {}, status: { capacity: { cpu: '4', memory: '4Gi', pods: '110' } } };
}


describe('Registry (real etcd)', function () {
  this.timeout(30_000);
  const etcd = withEtcd();
  let registry: Registry;
  let store: Store;
  let keySpace: KeySpace;

  beforeEach(async () => {
    store = etcd.get().store();
    keySpace = etcd.get().keySpace();
    registry = new Registry({ store, keySpace });
    await ensureDefaultNamespaces(registry);
  });

  describe('create', () => {
    it('sets uid, creationTimestamp, generation and a Pending status', async () => {
      const pod = await registry.create<Pod>('pods', 'default', { ...aPod('web'), status: { phase: 'Running' } });
      assert.match(pod.metadata.uid ?? '', /^[0-9a-f-]{36}$/);
      assert.match(pod.metadata.creationTimestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(pod.metadata.generation, 1);
      assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'Guaranteed' });
      assert.ok(Number(pod.metadata.resourceVersion) > 0);
    });

    it('names objects from generateName with 5 random characters', async () => {
      const pod = await registry.create<Pod>('pods', 'default', { ...aPod(''), metadata: { generateName: 'web-' } });
      assert.match(pod.metadata.name ?? '', /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    });

    it('refuses a duplicate name, a missing namespace and a terminating one', async () => {
      await registry.create('pods', 'default', aPod('web'));
      assert.equal((await apiRejection(registry.create('pods', 'default', aPod('web')))).message, 'pods "web" already exists');
      const missing = await apiRejection(registry.create('pods', 'nope', { ...aPod('web'), metadata: { name: 'web' } }));
      assert.equal(missing.code, 'NotFound');
      assert.equal(missing.message, 'namespaces "nope" not found');
      await registry.create('namespaces', undefined, { metadata: { name: 'going' } });
      await registry.delete('namespaces', undefined, 'going');
      const terminating = await apiRejection(registry.create('pods', 'going', { ...aPod('web'), metadata: { name: 'web' } }));
      assert.equal(terminating.code, 'Forbidden');
      assert.equal(terminating.message, 'pods "web" is forbidden: unable to create new content in namespace going because it is being terminated');
    });

    it('writes nothing invalid, and nothing at all on a dry run', async () => {
      const bad = aPod('bad');
      bad.spec.containers[0].resources = { limits: { memory: '12XB' } };
      const err = await apiRejection(registry.create('pods', 'default', bad));
      assert.equal(err.code, 'Invalid');
      assert.ok(err.causes.some((c) => c.field === 'spec.containers[0].resources.limits[memory]'));
      await registry.create('pods', 'default', aPod('dry'), { dryRun: true });
      assert.equal((await registry.list('pods', { namespace: 'default' })).items.length, 0);
    });
  });

  describe('update', () => {
    it('conflicts on a stale resourceVersion and updates unconditionally without one', async () => {
      const created = await registry.create<Pod>('pods', 'default', aPod('web'));
      const changed = (await registry.update<Pod>('pods', 'default', 'web', { ...created, metadata: { ...created.metadata, labels: { v: '2' } } })).object;
      const stale = await apiRejection(registry.update('pods', 'default', 'web', { ...created, metadata: { ...created.metadata, labels: { v: '3' } } }));
      assert.equal(stale.code, 'Conflict');
      assert.equal(stale.message, 'Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again');
      const blind = structuredClone(changed);
      delete blind.metadata.resourceVersion;
      blind.metadata.labels = { v: '4' };
      assert.deepEqual((await registry.update<Pod>('pods', 'default', 'web', blind)).object.metadata.labels, { v: '4' });
    });

    it('bumps generation on a spec change only, and ignores status on the main resource', async () => {
      const created = await registry.create<Pod>('pods', 'default', aPod('web'));
      const relabelled = (await registry.update<Pod>('pods', 'default', 'web', { ...created, metadata: { ...created.metadata, labels: { a: 'b' } }, status: { phase: 'Failed' } })).object;
      assert.equal(relabelled.metadata.generation, 1);
      assert.equal(relabelled.status?.phase, 'Pending');
      const next = structuredClone(relabelled);
      next.spec.containers[0].image = 'busybox:1.37';
      assert.equal((await registry.update<Pod>('pods', 'default', 'web', next)).object.metadata.generation, 2);
    });

    it('writes only status through updateStatus', async () => {
      const created = await registry.create<Pod>('pods', 'default', aPod('web'));
      const body = structuredClone(created);
      body.status = { phase: 'Running', podIP: '10.42.0.7' };
      body.spec.containers[0].image = 'evil';
      const updated = await registry.updateStatus<Pod>('pods', 'default', 'web', body);
      assert.equal(updated.status?.podIP, '10.42.0.7');
      assert.equal(updated.spec.containers[0].image, 'busybox:1.36');
    });

    it('rejects an immutable pod spec change and leaves the stored pod as it was', async () => {
      const created = await registry.create<Pod>('pods', 'default', aPod('web'));
      const next = structuredClone(created);
      next.spec.restartPolicy = 'Never';
      assert.equal((await apiRejection(registry.update('pods', 'default', 'web', next))).code, 'Invalid');
      assert.equal((await registry.get<Pod>('pods', 'default', 'web')).metadata.resourceVersion, created.metadata.resourceVersion);
    });
  });

  describe('guaranteedUpdate', () => {
    /** A store whose first update is preceded by another writer's change of the same object. */
    function racingStore(store: Store): Store {
      let raced = false;
      const update: Store['update'] = async (key, object, revision) => {
        if (!raced) {
          raced = true;
          const other = (await store.get<Pod>(key))!;
          await store.update(key, { ...other, metadata: { ...other.metadata, labels: { ...other.metadata.labels, other: 'writer' }, resourceVersion: undefined } }, revision);
        }
        return store.update(key, object, revision);
      };
      return Object.assign(Object.create(store) as Store, { update });
    }

    it('reads again and computes again when another writer changed the object meanwhile', async () => {
      const racing = new Registry({ store: racingStore(store), keySpace });
      await racing.create<Pod>('pods', 'default', aPod('raced'));
      const seen: Record<string, string>[] = [];
      const outcome = await racing.guaranteedUpdate<Pod>('pods', 'default', 'raced', (pod) => {
        seen.push({ ...pod.metadata.labels });
        return { ...pod, metadata: { ...pod.metadata, labels: { ...pod.metadata.labels, mine: 'yes' } } };
      });
      assert.deepEqual(seen, [{}, { other: 'writer' }]);
      assert.equal(outcome.written, true);
      assert.deepEqual(outcome.object.metadata.labels, { other: 'writer', mine: 'yes' });
    });

    it('writes nothing when the mutation changes nothing, and is NotFound for a missing object', async () => {
      const pod = await registry.create<Pod>('pods', 'default', aPod('still'));
      const outcome = await registry.guaranteedUpdate<Pod>('pods', 'default', 'still', () => undefined);
      assert.deepEqual([outcome.written, outcome.object.metadata.resourceVersion], [false, pod.metadata.resourceVersion]);
      assert.equal((await apiRejection(registry.guaranteedUpdate<Pod>('pods', 'default', 'absent', (p) => p))).code, 'NotFound');
    });

    it('prepares and validates a status write as …/status does: spec changes are dropped', async () => {
      await registry.create<Pod>('pods', 'default', aPod('status'));
      const outcome = await registry.guaranteedUpdate<Pod>('pods', 'default', 'status', (pod) => ({ ...pod, spec: { ...pod.spec, nodeName: 'pi-9' }, status: { ...pod.status, phase: 'Running' } }), { subresource: 'status' });
      assert.deepEqual([outcome.object.status?.phase, outcome.object.spec.nodeName], ['Running', undefined]);
    });
  });

  describe('patch', () => {
    it('applies merge, JSON and strategic merge patches', async () => {
      await registry.create<Pod>('pods', 'default', aPod('web', { app: 'web' }));
      await registry.patch('pods', 'default', 'web', 'merge-patch', { metadata: { labels: { app: null, tier: 'front' } } });
      await registry.patch('pods', 'default', 'web', 'json-patch', [{ op: 'add', path: '/metadata/annotations', value: { a: 'b' } }]);
      const pod = (await registry.patch<Pod>('pods', 'default', 'web', 'strategic-merge-patch', { spec: { containers: [{ name: 'c', image: 'busybox:1.37' }] } })).object;
      assert.deepEqual(pod.metadata.labels, { tier: 'front' });
      assert.deepEqual(pod.metadata.annotations, { a: 'b' });
      assert.equal(pod.spec.containers.length, 1);
      assert.equal(pod.spec.containers[0].image, 'busybox:1.37');
      assert.equal(pod.spec.containers[0].resources?.limits?.cpu, '100m');
    });

    it('creates with an apply patch, then merges the next apply', async () => {
      const first = await registry.patch<Pod>('pods', 'default', 'web', 'apply-patch', aPod('web', { v: '1' }), { fieldManager: 'test' });
      assert.equal(first.created, true);
      const second = await registry.patch<Pod>('pods', 'default', 'web', 'apply-patch', aPod('web', { v: '2' }), { fieldManager: 'test' });
      assert.equal(second.created, false);
      assert.deepEqual(second.object.metadata.labels, { v: '2' });
      assert.equal((await apiRejection(registry.patch('pods', 'default', 'web', 'apply-patch', aPod('web')))).code, 'Invalid');
    });
  });

  describe('delete', () => {
    it('removes an unscheduled pod at once', async () => {
      await registry.create('pods', 'default', aPod('web'));
      assert.equal((await registry.delete('pods', 'default', 'web')).removed, true);
      assert.equal((await apiRejection(registry.get('pods', 'default', 'web'))).code, 'NotFound');
    });

    it('keeps a bound pod with a deletionTimestamp until a delete with grace 0', async () => {
      await registry.create('nodes', undefined, aNode('pi1'));
      await registry.create('pods', 'default', aPod('web'));
      const bound = await registry.bind('default', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web' }, target: { kind: 'Node', name: 'pi1' } });
      assert.equal(bound.spec.nodeName, 'pi1');
      assert.ok(bound.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'True'));
      const graceful = await registry.delete<Pod>('pods', 'default', 'web');
      assert.equal(graceful.removed, false);
      assert.equal(graceful.object.metadata.deletionGracePeriodSeconds, 30);
      assert.ok(graceful.object.metadata.deletionTimestamp);
      assert.equal((await registry.delete('pods', 'default', 'web', { gracePeriodSeconds: 0, preconditions: { uid: bound.metadata.uid } })).removed, true);
    });

    it('binds a pod only once', async () => {
      await registry.create('pods', 'default', aPod('web'));
      const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web' }, target: { kind: 'Node', name: 'pi1' } };
      await registry.bind('default', binding);
      const err = await apiRejection(registry.bind('default', { ...binding, target: { name: 'pi2' } }));
      assert.equal(err.code, 'Conflict');
      assert.equal(err.message, 'Operation cannot be fulfilled on pods/binding "web": pod web is already assigned to node "pi1"');
    });

    it('keeps an object with finalizers until an update removes the last one', async () => {
      await registry.create('pods', 'default', { ...aPod('web'), metadata: { name: 'web', finalizers: ['example.com/hold'] } });
      const marked = await registry.delete<Pod>('pods', 'default', 'web');
      assert.equal(marked.removed, false);
      await registry.patch('pods', 'default', 'web', 'merge-patch', { metadata: { finalizers: null } });
      assert.equal((await apiRejection(registry.get('pods', 'default', 'web'))).code, 'NotFound');
    });

    it('turns a namespace Terminating until it is finalized, and never deletes the immortal ones', async () => {
      await registry.create('namespaces', undefined, { metadata: { name: 'team' } });
      const deleting = await registry.delete<Namespace>('namespaces', undefined, 'team');
      assert.equal(deleting.object.status?.phase, 'Terminating');
      await registry.finalizeNamespace('team', { ...deleting.object, spec: { finalizers: [] } });
      assert.equal((await apiRejection(registry.get('namespaces', undefined, 'team'))).code, 'NotFound');
      assert.equal((await apiRejection(registry.delete('namespaces', undefined, 'kube-system'))).code, 'Forbidden');
    });
  });

  describe('list', () => {
    it('selects by labels and fields and pages with limit and continue', async () => {
      for (const [name, tier] of [['a', 'front'], ['b', 'back'], ['c', 'front'], ['d', 'front']]) await registry.create('pods', 'default', aPod(name, { tier }));
      const front = await registry.list('pods', { namespace: 'default', labelSelector: 'tier=front' });
      assert.deepEqual(front.items.map((p) => p.metadata.name), ['a', 'c', 'd']);
      const byName = await registry.list('pods', { fieldSelector: 'metadata.name=b' });
      assert.deepEqual(byName.items.map((p) => p.metadata.name), ['b']);
      const page1 = await registry.list('pods', { namespace: 'default', limit: 3 });
      assert.equal(page1.items.length, 3);
      const page2 = await registry.list('pods', { namespace: 'default', limit: 3, continue: page1.metadata.continue });
      assert.deepEqual(page2.items.map((p) => p.metadata.name), ['d']);
      assert.equal(page2.metadata.resourceVersion, page1.metadata.resourceVersion);
      assert.equal((await apiRejection(registry.list('pods', { fieldSelector: 'spec.bogus=x' }))).message, 'field label not supported: spec.bogus');
    });
  });

  describe('watch', () => {
    it('starts with the current objects as ADDED and follows selector transitions', async () => {
      await registry.create('pods', 'default', aPod('a', { tier: 'front' }));
      const seen: RegistryWatchEvent[] = [];
      const w = await registry.watch('pods', { namespace: 'default', labelSelector: 'tier=front', onEvent: (e) => seen.push(e), onError: () => undefined });
      try {
        await registry.create('pods', 'default', aPod('b', { tier: 'back' }));
        await registry.patch('pods', 'default', 'b', 'merge-patch', { metadata: { labels: { tier: 'front' } } });
        await registry.patch('pods', 'default', 'a', 'merge-patch', { metadata: { labels: { tier: 'back' } } });
        await registry.patch('pods', 'default', 'b', 'merge-patch', { metadata: { annotations: { x: 'y' } } });
        const describe = () => JSON.stringify(seen.map((e) => `${e.type} ${e.object.metadata.name}`));
        await until(() => seen.length >= 4, { timeoutMs: 5000, describe });
        assert.deepEqual(seen.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED a', 'ADDED b', 'DELETED a', 'MODIFIED b']);
      } finally {
        w.dispose();
      }
    });

    it('resumes after a resourceVersion, and reports a compacted one as Gone', async () => {
      const list = await registry.list('pods', { namespace: 'default' });
      await registry.create('pods', 'default', aPod('later'));
      const seen: RegistryWatchEvent[] = [];
      const w = await registry.watch('pods', { namespace: 'default', resourceVersion: list.metadata.resourceVersion, onEvent: (e) => seen.push(e), onError: () => undefined });
      await until(() => seen.length === 1, { timeoutMs: 5000 });
      w.dispose();
      assert.equal(seen[0].type, 'ADDED');
      const now = Number((await registry.create<KubeObject>('pods', 'default', aPod('x'))).metadata.resourceVersion);
      await etcd.get().client().kv.compact({ revision: now, physical: true });
      const errors: ApiError[] = [];
      const old = await registry.watch('pods', { resourceVersion: String(now - 2), onEvent: () => undefined, onError: (e) => errors.push(e) });
      await until(() => errors.length === 1, { timeoutMs: 5000 });
      old.dispose();
      assert.equal(errors[0].code, 'Gone');
    });
  });

  describe('events', () => {
    it('records an event once and counts identical repeats on it', async () => {
      const pod = await registry.create<Pod>('pods', 'default', aPod('web'));
      const recorder = new EventRecorder({ registry, source: { component: 'default-scheduler' }, log: () => undefined });
      await recorder.record(pod, 'Warning', 'FailedScheduling', '0/1 nodes are available');
      await recorder.record(pod, 'Warning', 'FailedScheduling', '0/1 nodes are available');
      await Promise.all([recorder.record(pod, 'Normal', 'Scheduled', 'assigned'), recorder.record(pod, 'Warning', 'FailedScheduling', '0/1 nodes are available')]);
      const events = (await registry.list<Event>('events', { namespace: 'default', fieldSelector: `involvedObject.uid=${pod.metadata.uid}` })).items;
      const byReason = Object.fromEntries(events.map((e) => [e.reason, e]));
      assert.equal(events.length, 2);
      assert.equal(byReason.FailedScheduling.count, 3);
      assert.equal(byReason.Scheduled.count, 1);
      assert.equal(byReason.FailedScheduling.source?.component, 'default-scheduler');
      assert.equal(byReason.FailedScheduling.involvedObject.name, 'web');
    });
  });
});
