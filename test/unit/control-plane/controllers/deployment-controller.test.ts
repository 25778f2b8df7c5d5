import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from '../../../../api/apps-v1';
import type { Event, Pod } from '../../../../api/core-v1';
import { deploymentController } from '../../../../control-plane/controllers/deployment-controller';
import { replicaSetController } from '../../../../control-plane/controllers/replica-set-controller';
import { timestamp } from '../../../../control-plane/registry/object-meta';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import { until } from '../../../../scripts/cluster/wait-until';
import { ControllerHarness } from '../../../support/controller-harness';

const DEPLOY = 'deployments.apps';
const RS = 'replicasets.apps';

function aDeployment(name: string, replicas: number, image = 'v1'): Deployment {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' },
    spec: {
      replicas, selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
    },
  };
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('deployment controller over the in-memory store', () => {
  let store: MemoryStore;
  let harness: ControllerHarness;
  let kubelet: NodeJS.Timeout;

  /** Marks every pod ready, as a kubelet whose probes pass would. */
  async function markReady(): Promise<void> {
    for (const pod of (await harness.registry.list<Pod>('pods', { namespace: 'default' })).items) {
      if (pod.status?.conditions?.some((c) => c.type === 'Ready') || pod.metadata.deletionTimestamp) continue;
      const status = { phase: 'Running' as const, conditions: [{ type: 'Ready' as const, status: 'True' as const, lastTransitionTime: timestamp(new Date()) }] };
      await harness.registry.updateStatus('pods', 'default', pod.metadata.name ?? '', { ...pod, status }).catch(() => undefined);
    }
  }

  beforeEach(async () => {
    store = new MemoryStore();
    harness = new ControllerHarness({ store }).run(deploymentController, replicaSetController);
    await harness.registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    kubelet = setInterval(() => void markReady(), 20);
  });
  afterEach(async () => {
    clearInterval(kubelet);
    await harness.stop();
  });

  const getD = (name: string): Promise<Deployment> => harness.registry.get<Deployment>(DEPLOY, 'default', name);
  const sets = async (): Promise<ReplicaSet[]> => (await harness.registry.list<ReplicaSet>(RS, { namespace: 'default' })).items;
  const complete = async (name: string): Promise<Deployment> => until(async () => {
    const d = await getD(name);
    const c = d.status?.conditions?.find((x) => x.type === 'Progressing');
    return c?.reason === 'NewReplicaSetAvailable' && d.status?.observedGeneration === d.metadata.generation && d.status?.availableReplicas === d.spec.replicas ? d : undefined;
  }, { timeoutMs: 5000, describe: async () => JSON.stringify((await getD(name)).status) });

  it('rolls out a Deployment and a template change to completion, recording the scalings', async () => {
    await harness.registry.create(DEPLOY, 'default', aDeployment('web', 3));
    await complete('web');
    const d = await getD('web');
    await harness.registry.update(DEPLOY, 'default', 'web', { ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { ...d.spec.template.spec, containers: [{ name: 'c', image: 'v2' }] } } } });
    const done = await complete('web');
    assert.equal(done.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
    const all = await sets();
    assert.deepEqual(all.map((rs) => [rs.spec.template?.spec.containers[0]?.image, rs.spec.replicas]).sort(), [['v1', 0], ['v2', 3]]);
    const events = (await harness.registry.list<Event>('events', { namespace: 'default' })).items.filter((e) => e.involvedObject.kind === 'Deployment').map((e) => e.message ?? '');
    const newName = all.find((rs) => rs.spec.replicas === 3)?.metadata.name ?? '';
    assert.ok(events.includes(`Scaled up replica set ${newName} to 1`), events.join('\n'));
    assert.ok(events.includes(`Scaled up replica set ${newName} to 3 from 2`), events.join('\n'));
  });

  it('writes nothing once the rollout is complete (an idle cluster is quiet)', async () => {
    await harness.registry.create(DEPLOY, 'default', aDeployment('quiet', 2));
    await complete('quiet');
    await pause(200);
    const revision = await store.currentRevision();
    await pause(500);
    assert.equal(await store.currentRevision(), revision);
  });

  it('a controller started again mid-rollout (a new leader) goes on without doubling a ReplicaSet', async () => {
    await harness.registry.create(DEPLOY, 'default', aDeployment('web', 4));
    await until(async () => (await sets()).length === 1, { timeoutMs: 5000 });
    await harness.stop();
    harness = new ControllerHarness({ store }).run(deploymentController, replicaSetController);
    await complete('web');
    assert.equal((await sets()).length, 1);
    assert.equal((await harness.registry.list<Pod>('pods', { namespace: 'default' })).items.filter((p) => !p.metadata.deletionTimestamp).length, 4);
  });

  it('adopts an orphan ReplicaSet its selector matches and releases one whose labels stop matching', async () => {
    const d = await harness.registry.create<Deployment>(DEPLOY, 'default', aDeployment('web', 1));
    const rs = (await until(async () => (await sets())[0], { timeoutMs: 5000 }));
    await complete('web');
    await harness.registry.patch(RS, 'default', rs.metadata.name ?? '', 'merge-patch', { metadata: { labels: { app: 'debug' } } });
    await until(async () => {
      const released = await harness.registry.get<ReplicaSet>(RS, 'default', rs.metadata.name ?? '');
      return !released.metadata.ownerReferences?.length;
    }, { timeoutMs: 5000 });
    await harness.registry.patch(RS, 'default', rs.metadata.name ?? '', 'merge-patch', { metadata: { labels: { app: 'web' } } });
    await until(async () => {
      const adopted = await harness.registry.get<ReplicaSet>(RS, 'default', rs.metadata.name ?? '');
      return adopted.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid && r.controller);
    }, { timeoutMs: 5000 });
  });
});
