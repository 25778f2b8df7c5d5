/**
 * Pod events from an agent recorded on real etcd as the kubelet's: source kubelet on the
 * node, the container as fieldPath, repeats counted on one Event; events about pods bound
 * elsewhere are refused and those about gone pods dropped.
 */
import assert from 'node:assert/strict';
import type { Event, Pod } from '../../../../api/core-v1';
import { ApiError } from '../../../../api/errors';
import { Registry } from '../../../../control-plane/registry/registry';
import { EVENTS, NAMESPACES } from '../../../../control-plane/registry/kinds';
import { KubeletEvents } from '../../../../control-plane/nodes/pod-event-report';
import type { ObjectCache } from '../../../../control-plane/nodes/node-view';
import { withEtcd } from '../../../support/etcd-fixture';

function aPod(name: string, uid: string, nodeName: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid }, spec: { nodeName, containers: [{ name: 'web', image: 'img' }] } };
}

function cacheOf(pods: Pod[]): ObjectCache<Pod> {
  const byKey = new Map(pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
  return { get: (k) => byKey.get(k), list: () => [...byKey.values()], onChange: () => ({ dispose: () => undefined }) };
}

describe('kubelet events from agents', function () {
  this.timeout(20_000);
  const etcd = withEtcd();
  let registry: Registry;
  const logs: string[] = [];

  beforeEach(async () => {
    registry = new Registry({ store: etcd.get().store(), keySpace: etcd.get().keySpace() });
    await registry.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  });

  const event = (over: Partial<Parameters<KubeletEvents['record']>[1]> = {}) => ({
    namespace: 'default', name: 'web', uid: 'uid-1', fieldPath: 'spec.containers{web}', type: 'Normal' as const, reason: 'Started', message: 'Started container web', ...over,
  });

  it('records a container event from component kubelet on the node, counting repeats on one Event', async () => {
    const events = new KubeletEvents({ registry, pods: cacheOf([aPod('web', 'uid-1', 'pi1')]), log: (m) => logs.push(m) });
    assert.equal(await events.record('pi1', event({ type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container web in pod web_default(uid-1)' })), 'recorded');
    await events.record('pi1', event({ type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container web in pod web_default(uid-1)' }));
    const list = (await registry.list<Event>(EVENTS, { namespace: 'default' })).items;
    assert.equal(list.length, 1);
    const e = list[0];
    assert.deepEqual(e.source, { component: 'kubelet', host: 'pi1' });
    assert.deepEqual(e.involvedObject, { kind: 'Pod', apiVersion: 'v1', namespace: 'default', name: 'web', uid: 'uid-1', fieldPath: 'spec.containers{web}' });
    assert.deepEqual([e.type, e.reason, e.count], ['Warning', 'BackOff', 2]);
  });

  it('drops an event about a pod that is gone or was recreated under another uid', async () => {
    const events = new KubeletEvents({ registry, pods: cacheOf([aPod('web', 'uid-2', 'pi1')]), log: (m) => logs.push(m) });
    assert.equal(await events.record('pi1', event()), 'stale');
    assert.equal(await events.record('pi1', event({ name: 'other' })), 'stale');
    assert.equal((await registry.list<Event>(EVENTS, { namespace: 'default' })).items.length, 0);
  });

  it('refuses an event about a pod bound to another node', async () => {
    const events = new KubeletEvents({ registry, pods: cacheOf([aPod('web', 'uid-1', 'pi2')]), log: (m) => logs.push(m) });
    await assert.rejects(events.record('pi1', event()), (err: unknown) => err instanceof ApiError && err.code === 'Forbidden');
  });
});
