/**
 * DaemonSets on the simulated cluster, as the course notes use them: a node agent runs (ready)
 * on every Pi, and on a Pi plugged in later; a DaemonSet with a nodeSelector follows
 * `kubectl label nodes`; `kubectl set image` rolls a new image out node by node
 * (maxUnavailable 1: never more than one node without a ready agent) while `kubectl rollout
 * status` waits for it; a Pi that is unplugged and deleted from the cluster keeps no pod (the
 * pod garbage collector takes it) and is no longer desired.
 */
import assert from 'node:assert/strict';
import type { Pod } from '../../api/core-v1';
import type { KubeList } from '../../api/meta';
import { stopNode } from '../../scripts/cluster/cluster';
import { until } from '../../scripts/cluster/wait-until';
import { withTestCluster, type TestCluster } from '../support/cluster-fixture';
import { kubectlOk } from '../support/kubectl-pods';

const AGENT = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  labels: { app: node-agent }
spec:
  selector:
    matchLabels: { app: node-agent }
  template:
    metadata:
      labels: { app: node-agent }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: agent
          image: pikube/busybox:latest
          imagePullPolicy: IfNotPresent
          command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"]
          readinessProbe:
            httpGet: { path: /, port: 8080 }
            periodSeconds: 1
`;

const FAST_STORAGE = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fast-storage
  labels: { app: fast-storage, ssd: "true" }
spec:
  selector:
    matchLabels: { app: fast-storage }
  template:
    metadata:
      labels: { app: fast-storage, ssd: "true" }
    spec:
      terminationGracePeriodSeconds: 1
      nodeSelector: { ssd: "true" }
      containers:
        - name: storage
          image: pikube/busybox:latest
          imagePullPolicy: IfNotPresent
          command: ["sleep", "3600"]
`;

interface DaemonPod {
  name: string;
  node: string;
  image: string;
  ready: boolean;
}

describe('DaemonSets on the simulated cluster', function () {
  this.timeout(180_000);
  const cluster = withTestCluster({ nodes: ['pi1', 'pi2'] });
  const tc = (): TestCluster => cluster.get();
  const kubectl = (...args: string[]): Promise<string> => kubectlOk(tc(), args);

  async function daemonPods(app: string): Promise<DaemonPod[]> {
    const list = JSON.parse(await kubectl('get', 'pods', '-l', `app=${app}`, '-o', 'json')) as KubeList<Pod>;
    return list.items.filter((p) => !p.metadata.deletionTimestamp).map((p) => ({
      name: p.metadata.name ?? '', node: p.spec.nodeName ?? '', image: p.spec.containers[0]?.image ?? '',
      ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    })).sort((a, b) => a.node.localeCompare(b.node));
  }

  /** DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE-SELECTOR of `kubectl get ds`. */
  const dsRow = async (name: string): Promise<string> => (await kubectl('get', 'ds', name, '--no-headers')).trim().split(/\s+/).slice(1, 7).join(' ');

  /** Waits until exactly `nodes` run a ready pod of the set and `get ds` shows `row`. */
  async function settles(app: string, nodes: string[], row: string, timeoutMs = 90_000): Promise<DaemonPod[]> {
    return until(async () => {
      const pods = await daemonPods(app);
      const ok = JSON.stringify(pods.map((p) => p.node)) === JSON.stringify(nodes) && pods.every((p) => p.ready);
      return ok && (await dsRow(app)) === row ? pods : undefined;
    }, { timeoutMs, intervalMs: 500, describe: async () => `ds ${await dsRow(app)}; pods ${JSON.stringify(await daemonPods(app))}` });
  }

  it('runs a ready pod on every node, and none of the nodeSelector set until a node is labelled', async () => {
    assert.equal((await tc().kubectl(['apply', '-f', '-'], { input: AGENT + '---\n' + FAST_STORAGE })).code, 0);
    await settles('node-agent', ['pi1', 'pi2'], '2 2 2 2 2 <none>');
    assert.equal(await dsRow('fast-storage'), '0 0 0 0 0 ssd=true');
    assert.match(await kubectl('label', 'nodes', 'pi2', 'ssd=true'), /node\/pi2 labeled/);
    await settles('fast-storage', ['pi2'], '1 1 1 1 1 ssd=true');
  });

  it('runs one on a node plugged in later', async () => {
    await tc().addNode('pi3');
    await settles('node-agent', ['pi1', 'pi2', 'pi3'], '3 3 3 3 3 <none>');
    assert.deepEqual((await daemonPods('fast-storage')).map((p) => p.node), ['pi2']);
  });

  it('rolls a new image out node by node, never more than one node without a ready agent', async () => {
    for (const node of tc().nodes) await tc().docker(node.name).getImage('pikube/busybox:latest').tag({ repo: 'pikube/busybox', tag: 'v2' });
    let fewestReady = 3;
    const sampling = new AbortController();
    const sampler = (async () => {
      while (!sampling.signal.aborted) {
        const pods = await daemonPods('node-agent').catch(() => undefined);
        if (pods) fewestReady = Math.min(fewestReady, new Set(pods.filter((p) => p.ready).map((p) => p.node)).size);
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    try {
      assert.match(await kubectl('set', 'image', 'ds/node-agent', 'agent=pikube/busybox:v2'), /daemonset\.apps\/node-agent image updated/);
      const status = await tc().kubectl(['rollout', 'status', 'ds/node-agent', '--timeout=120s'], { timeoutMs: 130_000 });
      assert.equal(status.code, 0, status.stdout + status.stderr);
      assert.match(status.stdout, /daemon set "node-agent" successfully rolled out/);
    } finally {
      sampling.abort();
      await sampler;
    }
    const pods = await settles('node-agent', ['pi1', 'pi2', 'pi3'], '3 3 3 3 3 <none>');
    assert.ok(pods.every((p) => p.image === 'pikube/busybox:v2'), JSON.stringify(pods));
    assert.ok(fewestReady >= 2, `at least 2 of 3 nodes kept a ready agent throughout, saw ${fewestReady}`);
    const history = await kubectl('rollout', 'history', 'ds/node-agent');
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
  });

  it('keeps no pod for a node that leaves the cluster', async () => {
    await stopNode(tc().cluster, 'pi3');
    assert.match(await kubectl('delete', 'node', 'pi3'), /node "pi3" deleted/);
    await settles('node-agent', ['pi1', 'pi2'], '2 2 2 2 2 <none>', 90_000);
  });
});
