/**
 * A ReplicaSet on two simulated Pis, as the course notes use one: its pods really run and turn
 * ready (READY in `kubectl get rs`), a deleted pod is replaced, a pod relabelled out of the set
 * for debugging keeps running on its own while a replacement takes its place, `kubectl
 * scale` down stops the surplus pods, and deleting the set stops the rest.
 */
import assert from 'node:assert/strict';
import { withTestCluster, type TestCluster } from '../support/cluster-fixture';
import { until } from '../../scripts/cluster/wait-until';
import { kubectlOk, podRows, type PodRow } from '../support/kubectl-pods';

const MANIFEST = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: kuard
  labels: { app: kuard }
spec:
  replicas: 4
  selector:
    matchLabels: { app: kuard }
  template:
    metadata:
      labels: { app: kuard, version: "2" }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: kuard
          image: pikube/busybox:latest
          imagePullPolicy: IfNotPresent
          command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"]
          readinessProbe:
            httpGet: { path: /, port: 8080 }
            periodSeconds: 1
`;

describe('ReplicaSets on the simulated cluster', function () {
  this.timeout(180_000);
  const cluster = withTestCluster({ nodes: ['pi1', 'pi2'] });
  const tc = (): TestCluster => cluster.get();
  const kubectl = (...args: string[]): Promise<string> => kubectlOk(tc(), args);

  /** DESIRED, CURRENT, READY of `kubectl get rs kuard`. */
  const rsRow = async (): Promise<string> => (await kubectl('get', 'rs', 'kuard', '--no-headers')).trim().split(/\s+/).slice(1, 4).join(' ');
  const rsPods = async (): Promise<Map<string, PodRow>> => {
    const names = (await kubectl('get', 'pods', '-l', 'app=kuard', '-o', 'name')).trim().split('\n').filter(Boolean).map((n) => n.replace('pod/', ''));
    const rows = await podRows(tc());
    return new Map(names.map((n) => [n, rows.get(n) ?? { ready: '?', status: '?', restarts: 0 }]));
  };
  const describe = async (): Promise<string> => `rs ${await rsRow()}; pods ${JSON.stringify([...(await rsPods()).entries()])}`;

  /** Waits until the set shows `want` (DESIRED CURRENT READY) and exactly that many pods run ready. */
  async function settles(want: number): Promise<Map<string, PodRow>> {
    return until(async () => {
      const pods = await rsPods();
      const allReady = pods.size === want && [...pods.values()].every((r) => r.ready === '1/1' && r.status === 'Running');
      return allReady && (await rsRow()) === `${want} ${want} ${want}` ? pods : undefined;
    }, { timeoutMs: 90_000, intervalMs: 500, describe });
  }

  it('runs its pods on the nodes and reports them READY', async () => {
    assert.equal((await tc().kubectl(['apply', '-f', '-'], { input: MANIFEST })).code, 0);
    const pods = await settles(4);
    const nodes = (await kubectl('get', 'pods', '-l', 'app=kuard', '-o', 'jsonpath={.items[*].spec.nodeName}')).split(' ');
    assert.equal(nodes.length, 4);
    assert.ok(nodes.every((n) => n === 'pi1' || n === 'pi2'), nodes.join(' '));
    assert.equal(pods.size, 4);
    const described = await kubectl('describe', 'rs', 'kuard');
    assert.match(described, /Replicas:\s+4 current \/ 4 desired/);
    assert.match(described, /Pods Status:\s+4 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed/);
  });

  it('replaces a deleted pod', async () => {
    const [victim] = [...(await rsPods()).keys()];
    await kubectl('delete', 'pod', victim ?? '', '--wait=false');
    const after = await settles(4);
    assert.ok(!after.has(victim ?? ''), await describe());
  });

  it('lets a pod relabelled out keep running on its own while a replacement takes its place', async () => {
    const [debugged] = [...(await rsPods()).keys()];
    const name = debugged ?? '';
    await kubectl('label', 'pod', name, 'app=debug', '--overwrite');
    const after = await settles(4);
    assert.ok(!after.has(name));
    const owners = await kubectl('get', 'pod', name, '-o', 'jsonpath={.metadata.ownerReferences}');
    assert.equal(owners, '', `the relabelled pod is released: ${owners}`);
    assert.equal((await podRows(tc())).get(name)?.status, 'Running');
    await kubectl('delete', 'pod', name);
  });

  it('scales down with kubectl scale, stopping the surplus pods', async () => {
    assert.equal((await kubectl('scale', 'rs/kuard', '--replicas=2')).trim(), 'replicaset.apps/kuard scaled');
    await settles(2);
  });

  it('kubectl delete rs stops its pods with it', async () => {
    assert.equal((await kubectl('delete', 'rs', 'kuard')).trim(), 'replicaset.apps "kuard" deleted');
    await until(async () => (await rsPods()).size === 0, { timeoutMs: 60_000, intervalMs: 500, describe });
  });
});
