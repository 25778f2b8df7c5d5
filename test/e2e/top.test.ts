/**
 * `kubectl top` end to end: the agents sample their containers' cgroups and the node's /proc,
 * report over their sessions, and the control plane serves metrics.k8s.io from memory. A pod
 * burning CPU under a 100m limit shows about 100m (never much more: the CFS quota holds it).
 * Simulated nodes share one machine, so each node's own figures are the machine's.
 */
import assert from 'node:assert/strict';
import { withTestCluster } from '../support/cluster-fixture';
import { until } from '../../scripts/cluster/wait-until';
import { kubectlVersion, runKubectl } from '../../scripts/cluster/kubectl';

const PODS = `apiVersion: v1
kind: Pod
metadata:
  name: burner
  labels: { app: burner }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: main
      image: pikube/busybox:latest
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "while :; do :; done"]
      resources:
        limits: { cpu: 100m, memory: 32Mi }
---
apiVersion: v1
kind: Pod
metadata:
  name: sleeper
  labels: { app: sleeper }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: main
      image: pikube/busybox:latest
      imagePullPolicy: IfNotPresent
      command: ["sleep", "3600"]
`;

function rows(stdout: string): string[][] {
  return stdout.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));
}

/** `123m` → 123, `2` → 2000. */
function milliCores(cell: string): number {
  return cell.endsWith('m') ? Number(cell.slice(0, -1)) : Number(cell) * 1000;
}

describe('kubectl top', function () {
  this.timeout(180_000);
  const cluster = withTestCluster({}, async (tc) => {
    const applied = await tc.kubectl(['apply', '-f', '-'], { input: PODS });
    assert.equal(applied.code, 0, applied.stderr);
    const ready = await tc.kubectl(['wait', '--for=condition=Ready', 'pod/burner', 'pod/sleeper', '--timeout=90s'], { timeoutMs: 100_000 });
    assert.equal(ready.code, 0, ready.stderr);
  });
  const kubectl = (args: string[]) => cluster.get().kubectl(args, { timeoutMs: 30_000 });

  it('shows every node with its CPU and memory and their share of allocatable', async () => {
    const top = await until(async () => {
      const r = await kubectl(['top', 'node']);
      return r.code === 0 && !r.stdout.includes('<unknown>') && r;
    }, { timeoutMs: 40_000, describe: () => 'kubectl top node never showed every node' });
    const [header, ...nodes] = rows(top.stdout);
    assert.deepEqual(header, ['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)']);
    assert.equal(nodes.length, 2, top.stdout);
    for (const [, cpu, cpuShare, memory, memoryShare] of nodes) {
      assert.match(cpu, /^\d+m?$/);
      assert.ok(milliCores(cpu) > 0, top.stdout);
      assert.match(cpuShare, /^\d+%$/);
      assert.match(memory, /^\d+(Ki|Mi|Gi)$/);
      assert.match(memoryShare, /^\d+%$/);
    }
  });

  it('shows a pod burning CPU under a 100m limit at about 100m, and an idle one near 0', async () => {
    // A first figure counts from the container's start, start-up included; wait for one over a whole period.
    for (const pod of ['burner', 'sleeper']) {
      await until(async () => {
        const raw = await kubectl(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/${pod}`]);
        return raw.code === 0 && /^(1\d|[2-9]\d)(\.\d+)?s$/.test((JSON.parse(raw.stdout) as { window: string }).window);
      }, { timeoutMs: 60_000, describe: () => `no PodMetrics of ${pod} over a window of 10 s or more` });
    }
    const top = await kubectl(['top', 'pod', '--containers']);
    assert.equal(top.code, 0, top.stderr);
    const [header, ...lines] = rows(top.stdout);
    assert.deepEqual(header, ['POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
    const byPod = new Map(lines.map(([pod, , cpu, memory]) => [pod, { cpu: milliCores(cpu), memory }]));
    const burner = byPod.get('burner');
    assert.ok(burner && burner.cpu >= 30 && burner.cpu <= 110, `burner: ${top.stdout}`);
    assert.match(burner.memory, /^\d+(Ki|Mi)$/);
    assert.ok((byPod.get('sleeper')?.cpu ?? 99) <= 5, `sleeper: ${top.stdout}`);
    const sorted = await kubectl(['top', 'pod', '--sort-by=cpu']);
    assert.equal(sorted.code, 0, sorted.stderr);
    assert.deepEqual(rows(sorted.stdout).slice(1).map(([pod]) => pod), ['burner', 'sleeper']);
    assert.equal((await kubectl(['top', 'pod', '--sort-by=memory'])).code, 0);
  });

  it('selects pods by label and lists every namespace', async () => {
    const selected = await kubectl(['top', 'pod', '-l', 'app=burner', '-A']);
    assert.equal(selected.code, 0, selected.stderr);
    assert.deepEqual(rows(selected.stdout).map((r) => r.slice(0, 2)), [['NAMESPACE', 'NAME'], ['default', 'burner']]);
  });

  for (const version of ['1.27', '1.30', '1.33'] as const) {
    it(`shows the same with kubectl ${version}`, async () => {
      const other = (args: string[]) => runKubectl(cluster.get().kubeconfig, args, { timeoutMs: 30_000, binary: kubectlVersion(version) });
      const nodes = await other(['top', 'node']);
      assert.equal(nodes.code, 0, nodes.stderr);
      assert.deepEqual(rows(nodes.stdout).map((r) => r.length), [5, 5, 5], nodes.stdout);
      const pods = await other(['top', 'pod', '-l', 'app=burner']);
      assert.equal(pods.code, 0, pods.stderr);
      const [header, burner] = rows(pods.stdout);
      assert.deepEqual(header, ['NAME', 'CPU(cores)', 'MEMORY(bytes)']);
      assert.equal(burner?.[0], 'burner', pods.stdout);
      assert.ok(milliCores(burner?.[1] ?? '') > 0, pods.stdout);
    });
  }
});
