/**
 * The walking skeleton, end to end: the real kubectl against a two-node simulated cluster
 * (control plane on the machine, each node a namespace with its own dockerd and agent).
 */
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { withTestCluster, type TestCluster } from '../support/cluster-fixture';
import { startAgent, stopAgentOf, waitNodesReady } from '../../scripts/cluster/cluster';
import { until } from '../../scripts/cluster/wait-until';
import { succeeded } from '../support/kubectl-pods';

interface ContainerStatus {
  name: string;
  containerID?: string;
  restartCount: number;
  state?: { running?: { startedAt?: string } };
}

interface PodView {
  metadata: { name: string; uid: string };
  spec: { nodeName?: string };
  status?: { phase?: string; podIP?: string; containerStatuses?: ContainerStatus[] };
}

interface EventView {
  reason: string;
  message: string;
  involvedObject: { name: string };
}

function podManifest(name: string, extraSpec = ''): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: { app: ${name} }
spec:${extraSpec}
  terminationGracePeriodSeconds: 3
  containers:
    - name: httpd
      image: pikube/busybox:latest
      imagePullPolicy: IfNotPresent
      command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
      resources:
        requests: { cpu: 10m, memory: 8Mi }
        limits: { cpu: 100m, memory: 32Mi }
`;
}

describe('walking skeleton: kubectl against a two-node cluster', function () {
  this.timeout(180_000);
  const cluster = withTestCluster();
  const tc = (): TestCluster => cluster.get();
  const nodeNames = (): string[] => tc().nodes.map((n) => n.name);

  const kubectl = async (args: string[], timeoutMs?: number): Promise<string> => succeeded(await tc().kubectl(args, { timeoutMs }), `kubectl ${args.join(' ')}`);
  /** Deletion waits for the agent to stop the pod's containers (busybox httpd ignores SIGTERM: the grace period runs out). */
  const deletePod = (name: string): Promise<string> => kubectl(['delete', 'pod', name, '--timeout=60s'], 90_000);

  const getPod = async (name: string): Promise<PodView> => JSON.parse(await kubectl(['get', 'pod', name, '-o', 'json'])) as PodView;

  const waitRunning = async (name: string): Promise<PodView> => {
    let last: PodView | undefined;
    await until(async () => (last = await getPod(name)).status?.phase === 'Running', {
      timeoutMs: 90_000, intervalMs: 500, describe: () => `pod ${name}: ${JSON.stringify(last?.status ?? {})}`,
    });
    return last as PodView;
  };

  /** Ids of the containers on `node` that carry the pod's uid in a label (the agent labels every container it makes). */
  const containersOfPod = async (node: string, uid: string): Promise<string[]> => {
    const all = await tc().docker(node).listContainers({ all: true });
    return all.filter((c) => Object.values(c.Labels ?? {}).includes(uid)).map((c) => c.Id).sort();
  };

  it('lists both nodes as Ready', async () => {
    const out = await kubectl(['get', 'nodes']);
    for (const name of nodeNames()) assert.match(out, new RegExp(`^${name}\\s+Ready\\s`, 'm'), out);
  });

  it('kubectl get componentstatuses: etcd, the scheduler and the controller manager Healthy, with the deprecation warning', async () => {
    const res = await tc().kubectl(['get', 'cs']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /Warning: v1 ComponentStatus is deprecated in v1\.19\+/);
    assert.match(res.stdout, /^NAME\s+STATUS\s+MESSAGE\s+ERROR$/m);
    for (const name of ['controller-manager', 'etcd-0', 'scheduler']) assert.match(res.stdout, new RegExp(`^${name}\\s+Healthy\\s+ok`, 'm'), res.stdout);
  });

  it('runs an applied pod on one of the nodes, with a pod IP', async () => {
    succeeded(await tc().kubectl(['apply', '-f', '-'], { input: podManifest('web') }), 'kubectl apply');
    await waitRunning('web');
    const out = await kubectl(['get', 'pods', '-o', 'wide']);
    const row = out.split('\n').find((l) => l.startsWith('web '));
    assert.ok(row, out);
    const [, ready, status, , , ip, node] = row.trim().split(/\s+/);
    assert.equal(status, 'Running', row);
    assert.equal(ready, '1/1', row);
    assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/, row);
    assert.ok(nodeNames().includes(node), row);
  });

  it('reports the Docker container id in the pod status', async () => {
    const pod = parseYaml(await kubectl(['get', 'pod', 'web', '-o', 'yaml'])) as PodView;
    const status = pod.status?.containerStatuses?.[0];
    assert.match(status?.containerID ?? '', /^docker:\/\/[0-9a-f]{64}$/, JSON.stringify(pod.status));
    const id = (status?.containerID ?? '').slice('docker://'.length);
    const inspected = await tc().docker(pod.spec.nodeName ?? '').getContainer(id).inspect();
    assert.equal(inspected.State.Running, true);
  });

  it('describes the pod with its Scheduled event', async () => {
    const pod = await getPod('web');
    const out = await kubectl(['describe', 'pod', 'web']);
    assert.match(out, new RegExp(`Scheduled\\s+.*Successfully assigned default/web to ${pod.spec.nodeName}`), out);
  });

  it("keeps the pod's containers when its agent is killed and restarted", async () => {
    const before = await getPod('web');
    const node = before.spec.nodeName ?? '';
    const containers = await containersOfPod(node, before.metadata.uid);
    assert.ok(containers.length >= 2, `pause and httpd containers of web on ${node}: ${containers.join(', ')}`);
    await stopAgentOf(tc().cluster, node, 'SIGKILL');
    startAgent(tc().cluster, node);
    await waitNodesReady(tc().cluster, 60_000, [node]);
    // A pod placed on the same node proves the restarted agent is reconciling again.
    succeeded(await tc().kubectl(['apply', '-f', '-'], { input: podManifest('after-restart', `\n  nodeName: ${node}`) }), 'kubectl apply');
    await waitRunning('after-restart');
    const after = await getPod('web');
    assert.equal(after.status?.containerStatuses?.[0]?.containerID, before.status?.containerStatuses?.[0]?.containerID);
    assert.equal(after.status?.containerStatuses?.[0]?.restartCount, 0);
    assert.deepEqual(await containersOfPod(node, before.metadata.uid), containers);
    await deletePod('after-restart');
  });

  it('deletes the pod and its containers', async () => {
    const pod = await getPod('web');
    assert.ok((await containersOfPod(pod.spec.nodeName ?? '', pod.metadata.uid)).length > 0, 'no containers of web to delete');
    await deletePod('web');
    const res = await tc().kubectl(['get', 'pod', 'web']);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /NotFound|not found/);
    await until(async () => (await containersOfPod(pod.spec.nodeName ?? '', pod.metadata.uid)).length === 0, {
      timeoutMs: 30_000, describe: () => `containers of pod web still on ${pod.spec.nodeName}`,
    });
  });

  it('keeps a pod whose nodeSelector matches no node Pending, with a FailedScheduling event', async () => {
    succeeded(await tc().kubectl(['apply', '-f', '-'], { input: podManifest('nowhere', '\n  nodeSelector: { pikube.test/nowhere: "true" }') }), 'kubectl apply');
    let events: EventView[] = [];
    await until(async () => {
      const list = JSON.parse(await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=nowhere', '-o', 'json'])) as { items: EventView[] };
      events = list.items;
      return events.some((e) => e.reason === 'FailedScheduling');
    }, { timeoutMs: 30_000, intervalMs: 500, describe: () => `events: ${JSON.stringify(events)}` });
    const pod = await getPod('nowhere');
    assert.equal(pod.status?.phase, 'Pending');
    assert.equal(pod.spec.nodeName, undefined);
    assert.match(await kubectl(['describe', 'pod', 'nowhere']), /FailedScheduling/);
    await deletePod('nowhere');
  });
});
