import { strict as assert } from 'node:assert';
import type { ControllerRevision, DaemonSet } from '../../../../api/apps-v1';
import type { Node, Pod } from '../../../../api/core-v1';
import { daemonSetController } from '../../../../control-plane/controllers/daemon-set-controller';
import { garbageCollectorController } from '../../../../control-plane/controllers/garbage-collector-controller';
import { schedulerController } from '../../../../control-plane/scheduler/scheduler';
import { until } from '../../../../scripts/cluster/wait-until';
import type { ApiServerFixture } from '../../../support/api-server-fixture';
import { withApiAndControllers } from '../../../support/controllers-fixture';
import { tableRows } from '../../../support/kubectl-table';

/** The course notes' fluentd DaemonSet (001, chapter 11), with the local test image. */
const FLUENTD = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd
  labels:
    app: fluentd
spec:
  selector:
    matchLabels:
      app: fluentd
  template:
    metadata:
      labels:
        app: fluentd
    spec:
      containers:
      - name: fluentd
        image: pikube/busybox:latest
        resources:
          limits:
            memory: 200Mi
          requests:
            cpu: 100m
            memory: 200Mi
        volumeMounts:
        - name: varlog
          mountPath: /var/log
      terminationGracePeriodSeconds: 30
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
`;

/** The notes' nginx-fast-storage: only on nodes labelled ssd=true. */
const FAST_STORAGE = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  labels:
    app: nginx
    ssd: "true"
  name: nginx-fast-storage
spec:
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
        ssd: "true"
    spec:
      nodeSelector:
        ssd: "true"
      containers:
        - name: nginx
          image: pikube/busybox:latest
`;

function aNode(name: string): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {},
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready' }], allocatable: { cpu: '4', memory: '4Gi', pods: '110' }, capacity: { cpu: '4', memory: '4Gi', pods: '110' } },
  };
}

/** Both Pis, Ready (the status written through its subresource, as a kubelet does). */
async function addNodes(api: ApiServerFixture): Promise<void> {
  for (const name of ['pi1', 'pi2']) {
    const node = await api.registry.create<Node>('nodes', undefined, aNode(name));
    await api.registry.updateStatus('nodes', undefined, name, { ...node, status: aNode(name).status });
  }
}

describe('DaemonSets through the real kubectl (real etcd, API server, controllers, scheduler)', function () {
  this.timeout(60_000);
  const kubelet = new AbortController();
  let kubeletDone: Promise<void> = Promise.resolve();
  // Hooks run in the order they are registered: the stand-in kubelet stops before the controllers.
  after(async () => {
    kubelet.abort();
    await kubeletDone;
  });
  const fixture = withApiAndControllers([schedulerController, daemonSetController, garbageCollectorController], { seed: addNodes, kubectlTimeoutMs: 30_000 });
  const api = (): ApiServerFixture => fixture.get().api;

  before(() => {
    kubeletDone = fakeKubelet(kubelet.signal);
  });

  /** What the nodes' agents would do: bound pods run and are ready, terminating pods go. */
  async function fakeKubelet(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const pods = (await api().registry.list<Pod>('pods', { namespace: 'default' }).catch(() => ({ items: [] as Pod[] }))).items;
      for (const pod of pods) {
        const name = pod.metadata.name ?? '';
        if (pod.metadata.deletionTimestamp) await api().registry.delete('pods', 'default', name, { gracePeriodSeconds: 0 }).catch(() => undefined);
        else if (pod.spec.nodeName && pod.status?.phase === 'Pending') {
          const status = { ...pod.status, phase: 'Running' as const, conditions: [{ type: 'Ready', status: 'True' as const, lastTransitionTime: new Date().toISOString() }] };
          await api().registry.updateStatus('pods', 'default', name, { ...pod, status }).catch(() => undefined);
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const kubectl = (args: string[], input?: string) => fixture.get().kubectl(args, input);

  const podsOf = async (app: string): Promise<Pod[]> => (await api().registry.list<Pod>('pods', { namespace: 'default', labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);
  const getDs = (name: string): Promise<DaemonSet> => api().registry.get<DaemonSet>('daemonsets.apps', 'default', name);
  const nodesOf = async (app: string): Promise<string[]> => (await podsOf(app)).map((p) => p.spec.nodeName ?? '-').sort();

  async function runningOn(app: string, nodes: string[]): Promise<void> {
    await until(async () => JSON.stringify(await nodesOf(app)) === JSON.stringify(nodes) && (await podsOf(app)).every((p) => p.status?.phase === 'Running'), {
      timeoutMs: 20_000, describe: async () => JSON.stringify((await podsOf(app)).map((p) => [p.metadata.name, p.spec.nodeName, p.status?.phase])),
    });
  }

  it('applies the fluentd DaemonSet: a pod bound to every node, the get ds columns and describe ds', async () => {
    assert.equal((await kubectl(['apply', '-f', '-'], FLUENTD)).out, 'daemonset.apps/fluentd created');
    await runningOn('fluentd', ['pi1', 'pi2']);
    await until(async () => (await getDs('fluentd')).status?.numberAvailable === 2, { timeoutMs: 10_000 });
    const get = await kubectl(['get', 'daemonset']);
    assert.deepEqual(tableRows(get.stdout).map((r) => r.slice(0, 7)), [
      ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR'],
      ['fluentd', '2', '2', '2', '2', '2', '<none>'],
    ]);
    const described = await kubectl(['describe', 'ds', 'fluentd']);
    assert.equal(described.code, 0, described.out);
    assert.match(described.stdout, /Annotations:\s+deprecated\.daemonset\.template\.generation: 1/);
    assert.match(described.stdout, /Desired Number of Nodes Scheduled: 2\nCurrent Number of Nodes Scheduled: 2\nNumber of Nodes Scheduled with Up-to-date Pods: 2\nNumber of Nodes Scheduled with Available Pods: 2\nNumber of Nodes Misscheduled: 0\nPods Status:\s+2 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed/);
    assert.match(described.stdout, /Normal\s+SuccessfulCreate\s+\S+\s+daemonset-controller\s+Created pod: fluentd-/);
    const wide = await kubectl(['get', 'pods', '-o', 'wide', '--selector=app=fluentd', '--no-headers']);
    assert.deepEqual(tableRows(wide.stdout).map((r) => r[6]).sort(), ['pi1', 'pi2']);
    const tolerations = (await podsOf('fluentd'))[0]?.spec.tolerations?.map((t) => `${t.key ?? ''}:${t.effect ?? ''}`);
    assert.deepEqual(tolerations, ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule']);
  });

  it('a nodeSelector DaemonSet follows kubectl label nodes', async () => {
    assert.equal((await kubectl(['apply', '-f', '-'], FAST_STORAGE)).out, 'daemonset.apps/nginx-fast-storage created');
    await until(async () => (await getDs('nginx-fast-storage')).status?.observedGeneration === 1, { timeoutMs: 10_000 });
    assert.deepEqual(await nodesOf('nginx'), []);
    assert.equal((await kubectl(['label', 'nodes', 'pi2', 'ssd=true'])).out, 'node/pi2 labeled');
    await runningOn('nginx', ['pi2']);
    const get = await kubectl(['get', 'ds', 'nginx-fast-storage', '--no-headers']);
    await until(async () => tableRows((await kubectl(['get', 'ds', 'nginx-fast-storage', '--no-headers'])).stdout)[0]?.[6] === 'ssd=true', { timeoutMs: 5000, describe: async () => get.stdout });
    assert.equal((await kubectl(['label', 'nodes', 'pi2', 'ssd-'])).out, 'node/pi2 unlabeled');
    await runningOn('nginx', []);
    assert.equal((await kubectl(['delete', 'ds', 'nginx-fast-storage'])).out, 'daemonset.apps "nginx-fast-storage" deleted');
  });

  it('set image rolls out (rollout status waits for it), with a revision history and undo', async () => {
    assert.equal((await kubectl(['annotate', 'ds/fluentd', 'kubernetes.io/change-cause=v2 image'])).code, 0);
    assert.equal((await kubectl(['set', 'image', 'ds/fluentd', 'fluentd=pikube/busybox:v2'])).out, 'daemonset.apps/fluentd image updated');
    const status = await kubectl(['rollout', 'status', 'ds/fluentd', '--timeout=30s']);
    assert.equal(status.code, 0, status.out);
    assert.match(status.stdout, /daemon set "fluentd" successfully rolled out/);
    assert.deepEqual((await podsOf('fluentd')).map((p) => p.spec.containers[0]?.image), ['pikube/busybox:v2', 'pikube/busybox:v2']);
    const history = await kubectl(['rollout', 'history', 'ds/fluentd']);
    assert.equal(history.code, 0, history.out);
    assert.deepEqual(tableRows(history.stdout).slice(1), [['REVISION', 'CHANGE-CAUSE'], ['1', '<none>'], ['2', 'v2 image']]);
    const first = await kubectl(['rollout', 'history', 'ds/fluentd', '--revision=1']);
    assert.match(first.stdout, /Image:\s+pikube\/busybox:latest/);
    const revisions = await kubectl(['get', 'controllerrevisions', '--no-headers']);
    assert.equal(tableRows(revisions.stdout).length, 2, revisions.out);
    assert.match(revisions.stdout, /fluentd-\S+\s+daemonset\.apps\/fluentd\s+2/);

    assert.equal((await kubectl(['rollout', 'undo', 'ds/fluentd'])).out, 'daemonset.apps/fluentd rolled back');
    assert.equal((await kubectl(['rollout', 'status', 'ds/fluentd', '--timeout=30s'])).code, 0);
    await until(async () => (await podsOf('fluentd')).every((p) => p.spec.containers[0]?.image === 'pikube/busybox:latest') && (await podsOf('fluentd')).length === 2, { timeoutMs: 10_000 });
    const after = await kubectl(['rollout', 'history', 'ds/fluentd']);
    assert.deepEqual(tableRows(after.stdout).slice(2).map((r) => r[0]), ['2', '3'], after.out);
    const ds = await getDs('fluentd');
    assert.equal(ds.metadata.annotations?.['deprecated.daemonset.template.generation'], '3');
  });

  it('rollout restart replaces every pod', async () => {
    const before = (await podsOf('fluentd')).map((p) => p.metadata.name);
    assert.equal((await kubectl(['rollout', 'restart', 'ds/fluentd'])).out, 'daemonset.apps/fluentd restarted');
    assert.equal((await kubectl(['rollout', 'status', 'ds/fluentd', '--timeout=30s'])).code, 0);
    await until(async () => (await podsOf('fluentd')).length === 2 && (await podsOf('fluentd')).every((p) => !before.includes(p.metadata.name)), { timeoutMs: 10_000 });
    const revisions = (await api().registry.list<ControllerRevision>('controllerrevisions.apps', { namespace: 'default' })).items;
    assert.deepEqual(revisions.map((r) => r.revision).sort(), [2, 3, 4]);
  });

  it('refuses maxSurge and maxUnavailable both 0, and a selector change, with 422 and the field path, writing nothing', async () => {
    const bad = FLUENTD.replace('name: fluentd\n  labels', 'name: bad\n  labels').replace('spec:\n  selector', 'spec:\n  updateStrategy:\n    rollingUpdate:\n      maxUnavailable: 0\n      maxSurge: 0\n  selector');
    const refused = await kubectl(['apply', '-f', '-'], bad);
    assert.notEqual(refused.code, 0);
    assert.match(refused.out, /The DaemonSet "bad" is invalid: spec\.updateStrategy\.rollingUpdate\.maxUnavailable: Required value: cannot be 0 when maxSurge is 0/);
    await assert.rejects(getDs('bad'), /not found/);
    const before = await getDs('fluentd');
    const moved = await kubectl(['apply', '-f', '-'], FLUENTD.replace(/app: fluentd/g, 'app: moved'));
    assert.match(moved.out, /The DaemonSet "fluentd" is invalid: spec\.selector: Invalid value: .*field is immutable/);
    assert.equal((await getDs('fluentd')).metadata.resourceVersion, before.metadata.resourceVersion);
  });

  it('kubectl delete ds takes its pods and revisions with it', async () => {
    assert.equal((await kubectl(['delete', 'ds', 'fluentd'])).out, 'daemonset.apps "fluentd" deleted');
    await until(async () => (await podsOf('fluentd')).length === 0, { timeoutMs: 15_000 });
    await until(async () => (await api().registry.list<ControllerRevision>('controllerrevisions.apps', { namespace: 'default' })).items.length === 0, { timeoutMs: 15_000 });
  });
});
