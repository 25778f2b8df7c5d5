import { strict as assert } from 'node:assert';
import type { ControllerRevision, StatefulSet } from '../../../../api/apps-v1';
import type { Node, PersistentVolumeClaim, Pod } from '../../../../api/core-v1';
import type { KubeObject } from '../../../../api/meta';
import { garbageCollectorController } from '../../../../control-plane/controllers/garbage-collector-controller';
import { statefulSetController } from '../../../../control-plane/controllers/stateful-set-controller';
import { schedulerController } from '../../../../control-plane/scheduler/scheduler';
import { until } from '../../../../scripts/cluster/wait-until';
import type { ApiServerFixture } from '../../../support/api-server-fixture';
import { withApiAndControllers } from '../../../support/controllers-fixture';
import { tableRows } from '../../../support/kubectl-table';
import { pvcProtectionController } from '../../../../control-plane/controllers/pvc-protection-controller';

/** The course notes' (002) StatefulSet with its headless Service, the image made local. */
function webYaml({ replicas = 3, image = 'pikube/busybox:latest', extra = '' } = {}): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: nginx # has to match .spec.template.metadata.labels
  serviceName: "nginx"
  replicas: ${replicas} # by default is 1
  minReadySeconds: 10 # by default is 0
${extra}  template:
    metadata:
      labels:
        app: nginx # has to match .spec.selector.matchLabels
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      storageClassName: "my-storage-class"
      resources:
        requests:
          storage: 1Gi
`;
}

type StoredClaim = PersistentVolumeClaim & KubeObject;

describe('StatefulSets through the real kubectl (real etcd, API server, controllers)', function () {
  this.timeout(60_000);
  const fixture = withApiAndControllers([statefulSetController, garbageCollectorController, schedulerController, pvcProtectionController], {
    seed: async (server) => {
      const node: Node = {
        apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi1' }, spec: {},
        status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready' }], allocatable: { cpu: '4', memory: '4Gi', pods: '110' } },
      };
      await server.registry.create('nodes', undefined, node);
    },
  });
  const api = (): ApiServerFixture => fixture.get().api;
  const kubectl = (args: string[], input?: string) => fixture.get().kubectl(args, input);

  const pods = async (): Promise<Pod[]> => (await api().registry.list<Pod>('pods', { namespace: 'default', labelSelector: 'app=nginx' })).items;
  const podNames = async (): Promise<string[]> => (await pods()).map((p) => p.metadata.name ?? '').sort();
  const getSts = (): Promise<StatefulSet> => api().registry.get<StatefulSet>('statefulsets.apps', 'default', 'web');
  const claimNames = async (): Promise<string[]> => (await api().registry.list<StoredClaim>('persistentvolumeclaims', { namespace: 'default' })).items.map((c) => c.metadata.name ?? '').sort();
  const imageOf = (pod: Pod): string => pod.spec.containers[0]?.image ?? '';

  /** What the node would report: Running and Ready since 11 s ago (past the seed's minReadySeconds: 10). */
  async function makeReady(name: string): Promise<void> {
    // The scheduler writes the pod's PodScheduled condition meanwhile: read again on a conflict, as a kubelet would.
    await until(async () => {
      const pod = await api().registry.get<Pod>('pods', 'default', name);
      const since = new Date(Date.now() - 11_000).toISOString().replace(/\.\d+Z$/, 'Z');
      const others = (pod.status?.conditions ?? []).filter((c) => c.type !== 'Ready');
      await api().registry.updateStatus('pods', 'default', name, { ...pod, status: { ...pod.status, phase: 'Running', conditions: [...others, { type: 'Ready', status: 'True', lastTransitionTime: since }] } });
      return true;
    }, { timeoutMs: 10_000 });
  }

  async function waitForPods(names: string[]): Promise<void> {
    await until(async () => JSON.stringify(await podNames()) === JSON.stringify(names), { timeoutMs: 15_000, describe: async () => `pods ${(await podNames()).join(',')}` });
  }

  /** Readies each pod as it appears, checking the next does not exist before the previous is ready. */
  async function bringUpInOrder(ordinals: number[]): Promise<void> {
    for (const [i, ordinal] of ordinals.entries()) {
      await until(async () => (await podNames()).includes(`web-${ordinal}`), { timeoutMs: 15_000, describe: async () => `pods ${(await podNames()).join(',')}` });
      const next = ordinals[i + 1];
      if (next !== undefined) assert.ok(!(await podNames()).includes(`web-${next}`), `web-${next} exists before web-${ordinal} is ready`);
      await makeReady(`web-${ordinal}`);
    }
  }

  it('creates the seed StatefulSet one pod at a time, each with its claim, its hostname and subdomain', async () => {
    const applied = await kubectl(['apply', '-f', '-'], webYaml());
    assert.equal(applied.out, 'service/nginx created\nstatefulset.apps/web created');
    await waitForPods(['web-0']);
    assert.deepEqual(await claimNames(), ['www-web-0']);
    const [pod] = await pods();
    assert.equal(pod?.spec.hostname, 'web-0');
    assert.equal(pod?.spec.subdomain, 'nginx');
    assert.equal(pod?.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'web-0');
    assert.equal(pod?.metadata.labels?.['apps.kubernetes.io/pod-index'], '0');
    assert.deepEqual(pod?.spec.volumes?.find((v) => v.name === 'www'), { name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } });
    const claims = await kubectl(['get', 'pvc']);
    assert.deepEqual(tableRows(claims.stdout)[0], ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE']);
    assert.deepEqual(tableRows(claims.stdout)[1]?.slice(0, 4), ['www-web-0', 'Pending', 'my-storage-class', '<unset>']);
    // Nothing binds a claim of a class that does not exist (and no binder runs here): the scheduler keeps the pod off the node, with its reason.
    const unschedulable = '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..';
    await until(async () => (await pods())[0]?.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message === unschedulable, { timeoutMs: 15_000, describe: async () => JSON.stringify((await pods())[0]?.status) });
    const described = await kubectl(['describe', 'pod', 'web-0']);
    assert.match(described.stdout, /Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/1 nodes are available: pod has unbound immediate PersistentVolumeClaims\./);
    assert.equal((await pods())[0]?.spec.nodeName, undefined);
    await bringUpInOrder([0, 1, 2]);
    await until(async () => (await getSts()).status?.readyReplicas === 3, { timeoutMs: 15_000 });
    assert.deepEqual(await claimNames(), ['www-web-0', 'www-web-1', 'www-web-2']);
    const get = await kubectl(['get', 'sts']);
    assert.deepEqual(tableRows(get.stdout).map((r) => r.slice(0, 2)), [['NAME', 'READY'], ['web', '3/3']]);
    const wide = await kubectl(['get', 'sts', 'web', '-o', 'wide']);
    assert.deepEqual(tableRows(wide.stdout)[0], ['NAME', 'READY', 'AGE', 'CONTAINERS', 'IMAGES']);
    assert.deepEqual(tableRows(wide.stdout)[1]?.slice(3), ['nginx', 'pikube/busybox:latest']);
    const status = (await getSts()).status;
    assert.equal(status?.currentRevision, status?.updateRevision);
    assert.deepEqual([status?.replicas, status?.currentReplicas, status?.updatedReplicas, status?.availableReplicas, status?.observedGeneration, status?.collisionCount], [3, 3, 3, 3, 1, 0]);
    const rollout = await kubectl(['rollout', 'status', 'sts/web', '--timeout=10s']);
    assert.equal(rollout.out, 'partitioned roll out complete: 3 new pods have been updated...');
  });

  it('describes the set with its creation events', async () => {
    const described = await kubectl(['describe', 'sts', 'web']);
    assert.equal(described.code, 0, described.out);
    assert.match(described.stdout, /Replicas:\s+3 desired \| 3 total/);
    assert.match(described.stdout, /Normal\s+SuccessfulCreate\s+\S+\s+statefulset-controller\s+create Claim www-web-0 Pod web-0 in StatefulSet web success/);
    assert.match(described.stdout, /Normal\s+SuccessfulCreate\s+\S+\s+statefulset-controller\s+create Pod web-2 in StatefulSet web successful/);
  });

  it('writes nothing while idle', async () => {
    const before = (await getSts()).metadata.resourceVersion;
    const podVersions = (await pods()).map((p) => p.metadata.resourceVersion);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await getSts()).metadata.resourceVersion, before);
    assert.deepEqual((await pods()).map((p) => p.metadata.resourceVersion), podVersions);
  });

  it('scales down in reverse order with kubectl scale, keeping the claims', async () => {
    const down = await kubectl(['scale', 'sts/web', '--replicas=1']);
    assert.equal(down.out, 'statefulset.apps/web scaled');
    await waitForPods(['web-0']);
    const events = (await kubectl(['get', 'events', '--field-selector', 'reason=SuccessfulDelete', '--sort-by=.metadata.creationTimestamp', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}'])).stdout.trim().split('\n');
    assert.deepEqual(events, ['delete Pod web-2 in StatefulSet web successful', 'delete Pod web-1 in StatefulSet web successful']);
    assert.deepEqual(await claimNames(), ['www-web-0', 'www-web-1', 'www-web-2']);
    assert.equal((await kubectl(['scale', 'sts/web', '--replicas=3'])).code, 0);
    await bringUpInOrder([1, 2]);
  });

  it('rolls a new image out from the highest ordinal, records the history, and undoes it', async () => {
    const set = await kubectl(['set', 'image', 'sts/web', 'nginx=pikube/busybox:v2']);
    assert.equal(set.out, 'statefulset.apps/web image updated');
    for (const ordinal of [2, 1, 0]) {
      await until(async () => { const p = (await pods()).find((x) => x.metadata.name === `web-${ordinal}`); return p && imageOf(p) === 'pikube/busybox:v2'; }, { timeoutMs: 15_000 });
      const images = Object.fromEntries((await pods()).map((p) => [p.metadata.name, imageOf(p)]));
      for (let lower = 0; lower < ordinal; lower++) assert.equal(images[`web-${lower}`], 'pikube/busybox:latest', `web-${lower} updated before web-${ordinal}: ${JSON.stringify(images)}`);
      await makeReady(`web-${ordinal}`);
    }
    await until(async () => { const s = (await getSts()).status; return s?.currentRevision === s?.updateRevision && s?.updatedReplicas === 3; }, { timeoutMs: 15_000 });
    const history = await kubectl(['rollout', 'history', 'sts/web']);
    assert.deepEqual(tableRows(history.stdout).slice(1), [['REVISION', 'CHANGE-CAUSE'], ['1', '<none>'], ['2', '<none>']]);
    const undo = await kubectl(['rollout', 'undo', 'sts/web']);
    assert.equal(undo.out, 'statefulset.apps/web rolled back');
    for (const ordinal of [2, 1, 0]) {
      await until(async () => { const p = (await pods()).find((x) => x.metadata.name === `web-${ordinal}`); return p && imageOf(p) === 'pikube/busybox:latest'; }, { timeoutMs: 15_000 });
      await makeReady(`web-${ordinal}`);
    }
    const revisions = (await api().registry.list<ControllerRevision>('controllerrevisions.apps', { namespace: 'default' })).items;
    assert.deepEqual(revisions.map((r) => r.revision).sort(), [2, 3]);
    const after = await kubectl(['rollout', 'history', 'sts/web']);
    assert.deepEqual(tableRows(after.stdout).slice(2).map((r) => r[0]), ['2', '3']);
    const detail = await kubectl(['rollout', 'history', 'sts/web', '--revision=2']);
    assert.match(detail.stdout, /Image:\s+pikube\/busybox:v2/);
  });

  it('restarts every pod, highest ordinal first, with kubectl rollout restart', async () => {
    const uids = new Map((await pods()).map((p) => [p.metadata.name, p.metadata.uid]));
    const restarted = await kubectl(['rollout', 'restart', 'sts/web']);
    assert.equal(restarted.out, 'statefulset.apps/web restarted');
    for (const ordinal of [2, 1, 0]) {
      const name = `web-${ordinal}`;
      await until(async () => { const p = (await pods()).find((x) => x.metadata.name === name); return p && p.metadata.uid !== uids.get(name); }, { timeoutMs: 15_000 });
      const current = new Map((await pods()).map((p) => [p.metadata.name, p.metadata.uid]));
      for (let lower = 0; lower < ordinal; lower++) assert.equal(current.get(`web-${lower}`), uids.get(`web-${lower}`), `web-${lower} restarted before web-${ordinal}`);
      await makeReady(name);
    }
    const restartedAt = (await pods())[0]?.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'];
    assert.ok(restartedAt);
  });

  it('updates only the ordinals at or above the partition', async () => {
    const patched = await kubectl(['patch', 'sts', 'web', '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}},"template":{"spec":{"containers":[{"name":"nginx","image":"pikube/busybox:v3"}]}}}}']);
    assert.equal(patched.out, 'statefulset.apps/web patched');
    await until(async () => { const p = (await pods()).find((x) => x.metadata.name === 'web-2'); return p && imageOf(p) === 'pikube/busybox:v3'; }, { timeoutMs: 15_000 });
    await makeReady('web-2');
    const rollout = await kubectl(['rollout', 'status', 'sts/web', '--timeout=10s']);
    assert.equal(rollout.out, 'partitioned roll out complete: 1 new pods have been updated...');
    assert.deepEqual((await pods()).map(imageOf).sort(), ['pikube/busybox:latest', 'pikube/busybox:latest', 'pikube/busybox:v3']);
  });

  it('refuses bad input with 422 and the field path, writing nothing', async () => {
    const bad = webYaml({ replicas: 1 }).split('---\n')[1]?.replace('name: web\n', 'name: bad\n').replace('app: nginx # has to match .spec.template', 'app: other # no') ?? '';
    const refused = await kubectl(['apply', '-f', '-'], bad);
    assert.notEqual(refused.code, 0);
    assert.match(refused.out, /spec\.template\.metadata\.labels: Invalid value: map\[string\]string\{"app":"nginx"\}: `selector` does not match template `labels`/);
    const claim = await kubectl(['apply', '-f', '-'], 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: nomode\nspec:\n  resources:\n    requests:\n      storage: 0\n');
    assert.notEqual(claim.code, 0);
    assert.match(claim.out, /spec\.accessModes: Required value: at least 1 access mode is required/);
    assert.match(claim.out, /spec\.resources\[storage\]: Invalid value: "0": must be greater than zero/);
    assert.equal((await kubectl(['get', 'sts', 'bad'])).code, 1);
    assert.equal((await kubectl(['get', 'pvc', 'nomode'])).code, 1);
  });

  it('drops rollingUpdate.maxUnavailable, as Kubernetes 1.32 does with its alpha gate off', async () => {
    const patched = await kubectl(['patch', 'sts', 'web', '--type=merge', '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"maxUnavailable":2}}}}']);
    assert.equal(patched.out, 'statefulset.apps/web patched (no change)');
    assert.deepEqual((await getSts()).spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 2 } });
  });

  it('deletes its pods with kubectl delete sts, and leaves the claims (whenDeleted: Retain)', async () => {
    const deleted = await kubectl(['delete', 'sts', 'web']);
    assert.equal(deleted.out, 'statefulset.apps "web" deleted');
    await waitForPods([]);
    assert.deepEqual(await claimNames(), ['www-web-0', 'www-web-1', 'www-web-2']);
  });

  it('with whenDeleted: Delete, the set owns its claims and deleting it deletes them', async () => {
    await kubectl(['delete', 'pvc', '--all']);
    const policy = '  persistentVolumeClaimRetentionPolicy:\n    whenDeleted: Delete\n    whenScaled: Retain\n';
    assert.equal((await kubectl(['apply', '-f', '-'], webYaml({ replicas: 1, extra: policy }))).code, 0);
    await bringUpInOrder([0]);
    const set = await getSts();
    await until(async () => {
      const claim = await api().registry.get<StoredClaim>('persistentvolumeclaims', 'default', 'www-web-0');
      return claim.metadata.ownerReferences?.[0]?.uid === set.metadata.uid;
    }, { timeoutMs: 15_000 });
    assert.equal((await kubectl(['delete', 'sts', 'web'])).code, 0);
    await until(async () => (await claimNames()).length === 0 && (await pods()).length === 0, { timeoutMs: 15_000, describe: async () => `claims ${(await claimNames()).join(',')}` });
  });
});
