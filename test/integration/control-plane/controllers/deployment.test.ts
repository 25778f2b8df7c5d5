import { strict as assert } from 'node:assert';
import type { Deployment, ReplicaSet } from '../../../../api/apps-v1';
import type { Pod } from '../../../../api/core-v1';
import { deploymentController } from '../../../../control-plane/controllers/deployment-controller';
import { garbageCollectorController } from '../../../../control-plane/controllers/garbage-collector-controller';
import { replicaSetController } from '../../../../control-plane/controllers/replica-set-controller';
import { timestamp } from '../../../../control-plane/registry/object-meta';
import { until } from '../../../../scripts/cluster/wait-until';
import type { ApiServerFixture } from '../../../support/api-server-fixture';
import { withApiAndControllers } from '../../../support/controllers-fixture';
import { tableRows } from '../../../support/kubectl-table';

/** An image whose pods never become ready (the stand-in kubelet below never marks them). */
const NEVER_READY = 'pikube/busybox:never-ready';

/** The seeds' kuard Deployment (001, "First Deployment"), with a change cause on its template. */
function kuardYaml(image: string, cause: string, replicas = 3): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: kuard
spec:
  selector:
    matchLabels:
      run: kuard
  replicas: ${replicas}
  strategy:
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 1
    type: RollingUpdate
  template:
    metadata:
      labels:
        run: kuard
      annotations:
        kubernetes.io/change-cause: "${cause}"
    spec:
      containers:
      - name: kuard
        image: ${image}
`;
}

describe('Deployments through the real kubectl (real etcd, API server, controllers)', function () {
  this.timeout(120_000);
  let kubelet: NodeJS.Timeout | undefined;
  let kubeletBusy = false;
  // Hooks run in the order they are registered: the stand-in kubelet stops before the controllers.
  after(() => {
    if (kubelet) clearInterval(kubelet);
  });
  const fixture = withApiAndControllers([deploymentController, replicaSetController, garbageCollectorController], { kubectlTimeoutMs: 30_000 });
  const api = (): ApiServerFixture => fixture.get().api;

  /** A stand-in kubelet: every pod not being deleted, except NEVER_READY ones, runs and is ready. */
  async function markPodsReady(): Promise<void> {
    if (kubeletBusy) return;
    kubeletBusy = true;
    try {
      const pods = (await api().registry.list<Pod>('pods', {})).items;
      for (const pod of pods) {
        const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
        if (ready || pod.metadata.deletionTimestamp || pod.spec.containers.some((c) => c.image === NEVER_READY)) continue;
        const now = timestamp(new Date());
        const status = { phase: 'Running' as const, conditions: [{ type: 'Ready' as const, status: 'True' as const, lastTransitionTime: now }] };
        await api().registry.updateStatus('pods', pod.metadata.namespace, pod.metadata.name ?? '', { ...pod, status }).catch(() => undefined);
      }
    } finally {
      kubeletBusy = false;
    }
  }

  before(() => {
    kubelet = setInterval(() => void markPodsReady(), 100);
  });

  const kubectl = (args: string[], input?: string, timeoutMs?: number) => fixture.get().kubectl(args, input, timeoutMs);

  const getDeploy = (name: string): Promise<Deployment> => api().registry.get<Deployment>('deployments.apps', 'default', name);
  const replicaSetsOf = async (d: Deployment): Promise<ReplicaSet[]> =>
    (await api().registry.list<ReplicaSet>('replicasets.apps', { namespace: 'default' })).items.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid));
  const podsWith = async (selector: string): Promise<Pod[]> => (await api().registry.list<Pod>('pods', { namespace: 'default', labelSelector: selector })).items.filter((p) => !p.metadata.deletionTimestamp);

  it('kubectl create deployment makes a ReplicaSet <name>-<hash> and its pods; get deploy shows READY / UP-TO-DATE / AVAILABLE', async () => {
    const created = await kubectl(['create', 'deployment', 'web', '--image=pikube/busybox:v1', '--replicas=3', '--port=8080']);
    assert.equal(created.out, 'deployment.apps/web created');
    const status = await kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s']);
    assert.equal(status.code, 0, status.out);
    assert.match(status.stdout, /deployment "web" successfully rolled out/);
    const d = await getDeploy('web');
    const [rs] = await replicaSetsOf(d);
    const hash = rs?.metadata.labels?.['pod-template-hash'] ?? '';
    assert.equal(rs?.metadata.name, `web-${hash}`);
    const get = await kubectl(['get', 'deploy']);
    assert.deepEqual(tableRows(get.stdout).map((r) => r.slice(0, 4)), [['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE'], ['web', '3/3', '3', '3']]);
    assert.equal((await podsWith(`app=web,pod-template-hash=${hash}`)).length, 3);
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.deepEqual(d.status?.conditions?.map((c) => [c.type, c.status, c.reason]), [['Available', 'True', 'MinimumReplicasAvailable'], ['Progressing', 'True', 'NewReplicaSetAvailable']]);
  });

  it('an idle Deployment writes nothing', async () => {
    const revision = await api().store.currentRevision();
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await api().store.currentRevision(), revision);
  });

  it('set image rolls out a new ReplicaSet; describe lists Old/NewReplicaSet and the ScalingReplicaSet events', async () => {
    const set = await kubectl(['set', 'image', 'deployment/web', 'busybox=pikube/busybox:v2']);
    assert.equal(set.out, 'deployment.apps/web image updated');
    const status = await kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s']);
    assert.equal(status.code, 0, status.out);
    const d = await getDeploy('web');
    const sets = await replicaSetsOf(d);
    assert.equal(sets.length, 2);
    const next = sets.find((rs) => rs.spec.template?.spec.containers[0]?.image === 'pikube/busybox:v2');
    const old = sets.find((rs) => rs !== next);
    assert.deepEqual([next?.spec.replicas, old?.spec.replicas], [3, 0]);
    const describe = await kubectl(['describe', 'deployment', 'web']);
    assert.match(describe.stdout, /Replicas:\s+3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable/);
    assert.match(describe.stdout, new RegExp(`NewReplicaSet:\\s+${next?.metadata.name ?? '-'} \\(3/3 replicas created\\)`));
    assert.match(describe.stdout, new RegExp(`OldReplicaSets:\\s+${old?.metadata.name ?? '-'} \\(0/0 replicas created\\)`));
    assert.match(describe.stdout, new RegExp(`ScalingReplicaSet\\s+.*deployment-controller\\s+Scaled up replica set ${next?.metadata.name ?? '-'} to 1\\n`));
    assert.match(describe.stdout, new RegExp(`Scaled down replica set ${old?.metadata.name ?? '-'} to 2 from 3`));
  });

  it('scale deployment resizes its ReplicaSet; a ReplicaSet scaled by hand is put back', async () => {
    const scaled = await kubectl(['scale', 'deployment', 'web', '--replicas=5']);
    assert.equal(scaled.out, 'deployment.apps/web scaled');
    await until(async () => (await getDeploy('web')).status?.availableReplicas === 5, { timeoutMs: 15_000, describe: async () => JSON.stringify((await getDeploy('web')).status) });
    const next = (await replicaSetsOf(await getDeploy('web'))).find((rs) => (rs.spec.replicas ?? 0) > 0);
    await kubectl(['scale', 'rs', next?.metadata.name ?? '-', '--replicas=1']);
    await until(async () => (await api().registry.get<ReplicaSet>('replicasets.apps', 'default', next?.metadata.name ?? '-')).status?.availableReplicas === 5, { timeoutMs: 15_000 });
  });

  it('set resources and rollout restart make new revisions; pause holds them, resume lets them roll', async () => {
    assert.equal((await kubectl(['rollout', 'pause', 'deployment/web'])).out, 'deployment.apps/web paused');
    const resources = await kubectl(['set', 'resources', 'deployment', 'web', '--limits=cpu=200m,memory=64Mi']);
    assert.equal(resources.out, 'deployment.apps/web resource requirements updated');
    await until(async () => (await getDeploy('web')).status?.observedGeneration === (await getDeploy('web')).metadata.generation, { timeoutMs: 10_000 });
    assert.equal((await replicaSetsOf(await getDeploy('web'))).length, 2, 'no new ReplicaSet while paused');
    const paused = (await getDeploy('web')).status?.conditions?.find((c) => c.type === 'Progressing');
    assert.deepEqual([paused?.status, paused?.reason, paused?.message], ['Unknown', 'DeploymentPaused', 'Deployment is paused']);
    assert.equal((await kubectl(['rollout', 'resume', 'deployment/web'])).out, 'deployment.apps/web resumed');
    assert.equal((await kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s'])).code, 0);
    assert.equal((await kubectl(['rollout', 'restart', 'deployment/web'])).out, 'deployment.apps/web restarted');
    assert.equal((await kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s'])).code, 0);
    const d = await getDeploy('web');
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '4');
    const newest = (await replicaSetsOf(d)).find((rs) => (rs.spec.replicas ?? 0) > 0);
    assert.ok(newest?.spec.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']);
    assert.deepEqual(newest?.spec.template?.spec.containers[0]?.resources?.limits, { cpu: '200m', memory: '64Mi' });
  });

  it('expose deployment makes a Service selecting its pods; get all lists the deployment, its ReplicaSets and pods', async () => {
    const exposed = await kubectl(['expose', 'deployment', 'web', '--port=80', '--target-port=8080']);
    assert.equal(exposed.out, 'service/web exposed');
    const svc = await kubectl(['get', 'svc', 'web', '-o', 'jsonpath={.spec.selector}']);
    assert.equal(svc.stdout, '{"app":"web"}');
    const all = await kubectl(['get', 'all']);
    assert.match(all.stdout, /deployment\.apps\/web\s+5\/5\s+5\s+5/);
    assert.match(all.stdout, /replicaset\.apps\/web-\w+\s+5\s+5\s+5/);
    assert.match(all.stdout, /pod\/web-\w+-\w+/);
    assert.match(all.stdout, /service\/web\s+ClusterIP/);
  });

  it('the seeds\' kuard: history with change causes, --revision, undo and undo --to-revision', async () => {
    assert.equal((await kubectl(['apply', '-f', '-'], kuardYaml('pikube/busybox:blue', 'Create blue kuard'))).code, 0);
    assert.equal((await kubectl(['rollout', 'status', 'deployments', 'kuard', '--timeout=30s'])).code, 0);
    assert.equal((await kubectl(['apply', '-f', '-'], kuardYaml('pikube/busybox:green', 'Update to green kuard'))).code, 0);
    assert.equal((await kubectl(['rollout', 'status', 'deployments', 'kuard', '--timeout=30s'])).code, 0);
    const history = await kubectl(['rollout', 'history', 'deployment', 'kuard']);
    assert.deepEqual(tableRows(history.stdout), [['deployment.apps/kuard'], ['REVISION', 'CHANGE-CAUSE'], ['1', 'Create blue kuard'], ['2', 'Update to green kuard']]);
    const revision = await kubectl(['rollout', 'history', 'deployment', 'kuard', '--revision=2']);
    assert.match(revision.stdout, /deployment.apps\/kuard with revision #2/);
    assert.match(revision.stdout, /Annotations:\s+kubernetes.io\/change-cause: Update to green kuard/);
    assert.match(revision.stdout, /Image:\s+pikube\/busybox:green/);
    const undo = await kubectl(['rollout', 'undo', 'deployments', 'kuard']);
    assert.equal(undo.out, 'deployment.apps/kuard rolled back');
    assert.equal((await kubectl(['rollout', 'status', 'deployments', 'kuard', '--timeout=30s'])).code, 0);
    const afterUndo = await kubectl(['rollout', 'history', 'deployment', 'kuard']);
    assert.deepEqual(tableRows(afterUndo.stdout).slice(2), [['2', 'Update to green kuard'], ['3', 'Create blue kuard']]);
    assert.equal((await getDeploy('kuard')).spec.template.spec.containers[0]?.image, 'pikube/busybox:blue');
    const to = await kubectl(['rollout', 'undo', 'deployments', 'kuard', '--to-revision=2']);
    assert.equal(to.out, 'deployment.apps/kuard rolled back');
    assert.equal((await kubectl(['rollout', 'status', 'deployments', 'kuard', '--timeout=30s'])).code, 0);
    assert.equal((await getDeploy('kuard')).spec.template.spec.containers[0]?.image, 'pikube/busybox:green');
    const rs = (await replicaSetsOf(await getDeploy('kuard'))).find((s) => (s.spec.replicas ?? 0) > 0);
    assert.equal(rs?.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '2');
    assert.equal(rs?.metadata.annotations?.['deployment.kubernetes.io/revision'], '4');
  });

  it('a rollout whose pods never become ready stops at maxUnavailable, old pods serving, and rollout status fails on the deadline', async () => {
    assert.equal((await kubectl(['patch', 'deployment', 'kuard', '-p', '{"spec":{"progressDeadlineSeconds":3}}'])).code, 0);
    assert.equal((await kubectl(['set', 'image', 'deployment/kuard', `kuard=${NEVER_READY}`])).code, 0);
    const status = await kubectl(['rollout', 'status', 'deployment/kuard', '--timeout=40s'], undefined, 45_000);
    assert.notEqual(status.code, 0);
    assert.match(status.out, /error: deployment "kuard" exceeded its progress deadline/);
    const d = await getDeploy('kuard');
    const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
    assert.deepEqual([progressing?.status, progressing?.reason], ['False', 'ProgressDeadlineExceeded']);
    assert.match(progressing?.message ?? '', /^ReplicaSet "kuard-\w+" has timed out progressing\.$/);
    // 3 replicas, maxUnavailable 1, maxSurge 1: at least 2 old pods stay available.
    assert.ok((d.status?.availableReplicas ?? 0) >= 2, JSON.stringify(d.status));
    assert.equal((await podsWith('run=kuard')).filter((p) => p.spec.containers[0]?.image !== NEVER_READY).length, 2);
    const get = await kubectl(['get', 'deploy', 'kuard']);
    assert.deepEqual(tableRows(get.stdout)[1]?.slice(0, 4), ['kuard', '2/3', '2', '2']);
  });

  it('Recreate: every old pod is gone before a new one is made', async () => {
    const recreate = kuardYaml('pikube/busybox:blue', 'blue', 2).replace('name: kuard\n', 'name: rec\n').replace(/run: kuard/g, 'run: rec')
      .replace('  strategy:\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 1\n    type: RollingUpdate\n', '  strategy:\n    type: Recreate\n');
    assert.match(recreate, /type: Recreate/);
    assert.equal((await kubectl(['apply', '-f', '-'], recreate)).code, 0);
    assert.equal((await kubectl(['rollout', 'status', 'deployment/rec', '--timeout=30s'])).code, 0);
    const images = new Set<string>();
    let mixed = false;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const seen = new Set((await api().registry.list<Pod>('pods', { namespace: 'default', labelSelector: 'run=rec' })).items.map((p) => p.spec.containers[0]?.image ?? ''));
        for (const image of seen) images.add(image);
        if (seen.size > 1) mixed = true;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    assert.equal((await kubectl(['set', 'image', 'deployment/rec', 'kuard=pikube/busybox:green'])).code, 0);
    assert.equal((await kubectl(['rollout', 'status', 'deployment/rec', '--timeout=30s'])).code, 0);
    watching = false;
    await watcher;
    assert.equal(mixed, false, 'old and new pods existed at once');
    assert.deepEqual([...images].sort(), ['pikube/busybox:blue', 'pikube/busybox:green']);
    assert.equal((await kubectl(['delete', 'deployment', 'rec'])).code, 0);
  });

  it('refuses maxSurge and maxUnavailable both 0 and negative replicas with 422 and the field path, writing nothing', async () => {
    const bad = kuardYaml('pikube/busybox:blue', 'x').replace('name: kuard\n', 'name: bad\n').replace('maxSurge: 1', 'maxSurge: 0').replace('maxUnavailable: 1', 'maxUnavailable: 0').replace('replicas: 3', 'replicas: -1');
    const created = await kubectl(['apply', '-f', '-'], bad);
    assert.notEqual(created.code, 0);
    assert.match(created.out, /spec.replicas: Invalid value: -1: must be greater than or equal to 0/);
    assert.match(created.out, /spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString\{Type:0, IntVal:0, StrVal:""\}: may not be 0 when `maxSurge` is 0/);
    assert.equal((await kubectl(['get', 'deploy', 'bad'])).code, 1);
  });

  it('delete --cascade=orphan leaves the ReplicaSets released; a plain delete takes ReplicaSets and pods', async () => {
    const kuard = await getDeploy('kuard');
    const kuardSets = await replicaSetsOf(kuard);
    assert.equal((await kubectl(['delete', 'deploy', 'kuard', '--cascade=orphan'])).out, 'deployment.apps "kuard" deleted');
    await until(async () => {
      const sets = (await api().registry.list<ReplicaSet>('replicasets.apps', { namespace: 'default', labelSelector: 'run=kuard' })).items;
      return sets.length === kuardSets.length && sets.every((rs) => !rs.metadata.ownerReferences?.length);
    }, { timeoutMs: 15_000 });
    assert.equal((await kubectl(['delete', 'deploy', 'web'])).out, 'deployment.apps "web" deleted');
    await until(async () => (await api().registry.list<ReplicaSet>('replicasets.apps', { namespace: 'default', labelSelector: 'app=web' })).items.length === 0 && (await podsWith('app=web')).length === 0, {
      timeoutMs: 20_000, describe: async () => `${(await podsWith('app=web')).length} pods left`,
    });
  });
});
