import assert from 'node:assert/strict';
import type { Event, Node, Pod } from '../../../../api/core-v1';
import { ensureDefaultNamespaces } from '../../../../control-plane/apiserver/ensure-default-namespaces';
import { Registry } from '../../../../control-plane/registry/registry';
import { schedulerControllerWith } from '../../../../control-plane/scheduler/scheduler';
import { until } from '../../../../scripts/cluster/wait-until';
import { ControllerHarness } from '../../../support/controller-harness';
import { withEtcd } from '../../../support/etcd-fixture';

function aNode(name: string, cpu: string, memory: string, labels: Record<string, string> = {}): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: {},
    status: {
      capacity: { cpu, memory, pods: '110' }, allocatable: { cpu, memory, pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
    },
  };
}

function aPod(name: string, cpu: string, nodeSelector?: Record<string, string>): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
    spec: { nodeSelector, containers: [{ name: 'c', image: 'pikube/busybox:latest', resources: { requests: { cpu, memory: '16Mi' } } }] },
  };
}

describe('Scheduler (real etcd)', function () {
  this.timeout(30_000);
  const etcd = withEtcd();
  let registry: Registry;
  let controllers: ControllerHarness;

  beforeEach(async () => {
    const keySpace = etcd.get().keySpace();
    const store = etcd.get().store();
    registry = new Registry({ store, keySpace });
    await ensureDefaultNamespaces(registry);
    controllers = new ControllerHarness({ store, keySpace, registry }).run(schedulerControllerWith({ random: () => 0 }));
    const nodes = controllers.informers.forResource<Node>('nodes');
    await registry.create('nodes', undefined, aNode('pi1', '2', '1Gi', { disk: 'ssd' }));
    await registry.create('nodes', undefined, aNode('pi2', '2', '1Gi'));
    await until(() => nodes.list().length === 2, { timeoutMs: 5000 });
  });

  afterEach(async () => {
    await controllers.stop();
  });

  async function boundNode(name: string): Promise<string> {
    return until(async () => (await registry.get<Pod>('pods', 'default', name)).spec.nodeName, { timeoutMs: 5000 });
  }

  async function eventsFor(name: string): Promise<Event[]> {
    return (await registry.list<Event>('events', { namespace: 'default', fieldSelector: `involvedObject.name=${name}` })).items;
  }

  it('spreads pods over equally empty nodes by least allocated', async () => {
    for (const n of ['a', 'b', 'c', 'd']) await registry.create('pods', 'default', aPod(n, '500m'));
    const placed = await Promise.all(['a', 'b', 'c', 'd'].map(boundNode));
    assert.deepEqual(placed.filter((n) => n === 'pi1').length, 2, `placements: ${placed}`);
  });

  it('honours nodeSelector and records the Scheduled event', async () => {
    await registry.create('pods', 'default', aPod('ssd', '100m', { disk: 'ssd' }));
    assert.equal(await boundNode('ssd'), 'pi1');
    const events = await until(async () => (await eventsFor('ssd')).find((e) => e.reason === 'Scheduled'), { timeoutMs: 5000 });
    assert.equal(events.message, 'Successfully assigned default/ssd to pi1');
  });

  it('leaves a pod that fits nowhere Pending with a FailedScheduling event saying why', async () => {
    await registry.create('pods', 'default', aPod('huge', '3'));
    await registry.create('pods', 'default', aPod('nowhere', '100m', { disk: 'nvme' }));
    const huge = await until(async () => (await eventsFor('huge')).find((e) => e.reason === 'FailedScheduling'), { timeoutMs: 5000 });
    assert.match(huge.message ?? '', /^0\/2 nodes are available: 2 Insufficient cpu\./);
    const nowhere = await until(async () => (await eventsFor('nowhere')).find((e) => e.reason === 'FailedScheduling'), { timeoutMs: 5000 });
    assert.match(nowhere.message ?? '', /^0\/2 nodes are available: 2 node\(s\) didn't match Pod's node affinity\/selector\./);
    const pod = await registry.get<Pod>('pods', 'default', 'huge');
    assert.equal(pod.spec.nodeName, undefined);
    assert.equal(pod.status?.phase, 'Pending');
    const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    assert.equal(cond?.reason, 'Unschedulable');
  });

  it('schedules a pending pod once a node that fits appears', async () => {
    await registry.create('pods', 'default', aPod('later', '100m', { zone: 'b' }));
    await until(async () => (await eventsFor('later')).some((e) => e.reason === 'FailedScheduling'), { timeoutMs: 5000 });
    await registry.create('nodes', undefined, aNode('pi3', '2', '1Gi', { zone: 'b' }));
    assert.equal(await boundNode('later'), 'pi3');
  });
});
