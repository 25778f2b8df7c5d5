import assert from 'node:assert/strict';
import type { ControllerRevision, DaemonSet } from '../../../../api/apps-v1';
import type { Event, Node, Pod } from '../../../../api/core-v1';
import { daemonSetController } from '../../../../control-plane/controllers/daemon-set-controller';
import { targetNodeName } from '../../../../control-plane/controllers/daemon-set-pods';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import { until } from '../../../../scripts/cluster/wait-until';
import { ControllerHarness } from '../../../support/controller-harness';
import { aNodeNamed } from './daemon-set-fixtures';

const DS = 'daemonsets.apps';

function aDaemonSet(name: string, spec: Partial<DaemonSet['spec']> = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name, namespace: 'default' },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } }, ...spec },
  };
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('daemon set controller over the in-memory store', function () {
  this.timeout(20_000);
  let store: MemoryStore;
  let harness: ControllerHarness;

  beforeEach(async () => {
    store = new MemoryStore();
    harness = new ControllerHarness({ store }).run(daemonSetController);
    await harness.registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    for (const name of ['pi1', 'pi2', 'pi3']) await harness.registry.create('nodes', undefined, aNodeNamed(name));
  });
  afterEach(() => harness.stop());

  const pods = async (): Promise<Pod[]> => (await harness.registry.list<Pod>('pods', { namespace: 'default' })).items;
  const live = async (): Promise<Pod[]> => (await pods()).filter((p) => !p.metadata.deletionTimestamp);
  const getDs = (name: string): Promise<DaemonSet> => harness.registry.get<DaemonSet>(DS, 'default', name);
  const nodesWithPods = async (): Promise<string[]> => (await live()).map((p) => targetNodeName(p) ?? '?').sort();
  const describe = async (): Promise<string> => JSON.stringify((await pods()).map((p) => [p.metadata.name, targetNodeName(p), p.metadata.labels, p.status?.phase, p.metadata.deletionTimestamp]));

  /** What a kubelet would report: every pending pod runs and is ready. */
  async function runPods(): Promise<void> {
    for (const pod of await live()) {
      if (pod.status?.phase === 'Running') continue;
      const status = { phase: 'Running' as const, conditions: [{ type: 'Ready', status: 'True' as const, lastTransitionTime: new Date().toISOString() }] };
      await harness.registry.updateStatus('pods', 'default', pod.metadata.name ?? '', { ...pod, status }).catch(() => undefined);
    }
  }

  /** Graceful deletion is the node's to finish: without one, remove what is terminating. */
  async function finishDeletions(): Promise<void> {
    for (const pod of await pods()) {
      if (pod.metadata.deletionTimestamp) await harness.registry.delete('pods', 'default', pod.metadata.name ?? '', { gracePeriodSeconds: 0 }).catch(() => undefined);
    }
  }

  async function onNodes(nodes: string[], timeoutMs = 5000): Promise<void> {
    await until(async () => { await finishDeletions(); return JSON.stringify(await nodesWithPods()) === JSON.stringify(nodes); }, { timeoutMs, describe });
  }

  it('creates one pod per node, pinned to it, tolerating node trouble, labelled with its revision, and reports them', async () => {
    const ds = await harness.registry.create<DaemonSet>(DS, 'default', aDaemonSet('agent'));
    await onNodes(['pi1', 'pi2', 'pi3']);
    const [revision] = (await harness.registry.list<ControllerRevision>('controllerrevisions.apps', { namespace: 'default' })).items;
    assert.equal(revision?.revision, 1);
    const hash = revision?.metadata.labels?.['controller-revision-hash'];
    for (const pod of await pods()) {
      assert.match(pod.metadata.name ?? '', /^agent-[a-z0-9]{5}$/);
      assert.deepEqual(pod.metadata.labels, { app: 'agent', 'controller-revision-hash': hash, 'pod-template-generation': '1' });
      assert.equal(pod.metadata.ownerReferences?.[0]?.uid, ds.metadata.uid);
      assert.ok(pod.spec.tolerations?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute' && t.tolerationSeconds === undefined));
    }
    await until(async () => (await getDs('agent')).status?.currentNumberScheduled === 3, { timeoutMs: 5000, describe: async () => JSON.stringify((await getDs('agent')).status) });
    assert.deepEqual((await getDs('agent')).status, { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 3, numberUnavailable: 3, observedGeneration: 1 });
    await runPods();
    await until(async () => (await getDs('agent')).status?.numberAvailable === 3, { timeoutMs: 5000, describe: async () => JSON.stringify((await getDs('agent')).status) });
    const events = (await harness.registry.list<Event>('events', { namespace: 'default' })).items;
    assert.equal(events.filter((e) => e.reason === 'SuccessfulCreate' && e.involvedObject.name === 'agent').length, 3);
  });

  it('gives a joining node a pod, and deletes the pending pod of a node that leaves', async () => {
    await harness.registry.create(DS, 'default', aDaemonSet('agent'));
    await onNodes(['pi1', 'pi2', 'pi3']);
    await harness.registry.create('nodes', undefined, aNodeNamed('pi4'));
    await onNodes(['pi1', 'pi2', 'pi3', 'pi4']);
    await harness.registry.delete('nodes', undefined, 'pi2');
    await onNodes(['pi1', 'pi3', 'pi4']);
    await until(async () => (await getDs('agent')).status?.desiredNumberScheduled === 3, { timeoutMs: 5000 });
  });

  it('follows its nodeSelector as node labels change', async () => {
    await harness.registry.create(DS, 'default', aDaemonSet('edge', { template: { metadata: { labels: { app: 'edge' } }, spec: { nodeSelector: { role: 'edge' }, containers: [{ name: 'c', image: 'busybox:1' }] } } }));
    await pause(200);
    assert.deepEqual(await nodesWithPods(), []);
    await harness.registry.patch('nodes', undefined, 'pi2', 'merge-patch', { metadata: { labels: { role: 'edge' } } });
    await onNodes(['pi2']);
    await harness.registry.patch('nodes', undefined, 'pi2', 'merge-patch', { metadata: { labels: { role: null } } });
    await onNodes([]);
  });

  it('rolls a new image out one node at a time (maxUnavailable 1), keeping a history', async () => {
    await harness.registry.create(DS, 'default', aDaemonSet('agent'));
    await onNodes(['pi1', 'pi2', 'pi3']);
    await runPods();
    await until(async () => (await getDs('agent')).status?.numberAvailable === 3, { timeoutMs: 5000 });
    await harness.registry.patch(DS, 'default', 'agent', 'strategic-merge-patch', { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } } });
    let mostMissing = 0;
    await until(async () => {
      await finishDeletions();
      await runPods();
      const current = await live();
      mostMissing = Math.max(mostMissing, 3 - current.filter((p) => p.status?.phase === 'Running').length);
      return current.length === 3 && current.every((p) => p.spec.containers[0]?.image === 'busybox:2' && p.status?.phase === 'Running');
    }, { timeoutMs: 10_000, describe });
    assert.ok(mostMissing <= 1, `at most one node without a running pod at a time, saw ${mostMissing}`);
    const ds = await getDs('agent');
    assert.equal(ds.metadata.annotations?.['deprecated.daemonset.template.generation'], '2');
    await until(async () => (await getDs('agent')).status?.updatedNumberScheduled === 3, { timeoutMs: 5000 });
    const revisions = (await harness.registry.list<ControllerRevision>('controllerrevisions.apps', { namespace: 'default' })).items;
    assert.deepEqual(revisions.map((r) => r.revision).sort(), [1, 2]);
    assert.ok((await live()).every((p) => p.metadata.labels?.['pod-template-generation'] === '2'));
  });

  it('surges a new pod beside each old one before deleting it (maxSurge 1)', async () => {
    const strategy = { type: 'RollingUpdate' as const, rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } };
    await harness.registry.create(DS, 'default', aDaemonSet('agent', { updateStrategy: strategy }));
    await onNodes(['pi1', 'pi2', 'pi3']);
    await runPods();
    await harness.registry.patch(DS, 'default', 'agent', 'strategic-merge-patch', { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } } });
    let fewestRunning = 3;
    let most = 3;
    await until(async () => {
      await finishDeletions();
      const current = await live();
      fewestRunning = Math.min(fewestRunning, current.filter((p) => p.status?.phase === 'Running').length);
      most = Math.max(most, current.length);
      await runPods();
      return current.length === 3 && current.every((p) => p.spec.containers[0]?.image === 'busybox:2' && p.status?.phase === 'Running');
    }, { timeoutMs: 10_000, describe });
    assert.equal(fewestRunning, 3, 'never fewer than 3 running pods');
    assert.equal(most, 4, 'one extra pod at a time');
  });

  it('OnDelete leaves old pods running until they are deleted', async () => {
    await harness.registry.create(DS, 'default', aDaemonSet('agent', { updateStrategy: { type: 'OnDelete' } }));
    await onNodes(['pi1', 'pi2', 'pi3']);
    await harness.registry.patch(DS, 'default', 'agent', 'strategic-merge-patch', { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } } });
    await pause(300);
    assert.ok((await live()).every((p) => p.spec.containers[0]?.image === 'busybox:1'));
    const victim = (await live()).find((p) => targetNodeName(p) === 'pi2');
    await harness.registry.delete('pods', 'default', victim?.metadata.name ?? '', { gracePeriodSeconds: 0 });
    await until(async () => (await live()).some((p) => targetNodeName(p) === 'pi2' && p.spec.containers[0]?.image === 'busybox:2'), { timeoutMs: 5000, describe });
    assert.deepEqual((await live()).filter((p) => p.spec.containers[0]?.image === 'busybox:1').map(targetNodeName).sort(), ['pi1', 'pi3']);
  });

  it('deletes a failed pod and replaces it, with a FailedDaemonPod event', async () => {
    await harness.registry.create(DS, 'default', aDaemonSet('agent'));
    await onNodes(['pi1', 'pi2', 'pi3']);
    const victim = (await live()).find((p) => targetNodeName(p) === 'pi1');
    await harness.registry.updateStatus('pods', 'default', victim?.metadata.name ?? '', { ...victim, status: { phase: 'Failed' } });
    await until(async () => { await finishDeletions(); return (await live()).some((p) => targetNodeName(p) === 'pi1' && p.metadata.name !== victim?.metadata.name); }, { timeoutMs: 5000, describe });
    const events = (await harness.registry.list<Event>('events', { namespace: 'default' })).items;
    const failed = events.find((e) => e.reason === 'FailedDaemonPod');
    assert.equal(failed?.message, `Found failed daemon pod default/${victim?.metadata.name ?? ''} on node pi1, will try to kill it`);
    assert.equal(failed?.type, 'Warning');
  });

  it('writes nothing more once converged (an idle cluster is quiet)', async () => {
    await harness.registry.create(DS, 'default', aDaemonSet('quiet'));
    await onNodes(['pi1', 'pi2', 'pi3']);
    await until(async () => (await getDs('quiet')).status?.currentNumberScheduled === 3, { timeoutMs: 5000 });
    await pause(300);
    const revision = await store.currentRevision();
    await pause(500);
    assert.equal(await store.currentRevision(), revision);
  });

  it('a controller stopped mid-way and started anew ends with exactly one pod per node', async () => {
    for (let i = 4; i <= 12; i++) await harness.registry.create('nodes', undefined, aNodeNamed(`pi${i}`));
    await harness.registry.create(DS, 'default', aDaemonSet('agent'));
    await until(async () => (await pods()).length > 0, { timeoutMs: 5000 });
    await harness.stop();
    harness = new ControllerHarness({ store }).run(daemonSetController);
    const all = Array.from({ length: 12 }, (_, i) => `pi${i + 1}`).sort();
    await onNodes(all);
    await pause(300);
    assert.deepEqual(await nodesWithPods(), all);
    assert.equal((await harness.registry.list<Node>('nodes')).items.length, 12);
  });
});
