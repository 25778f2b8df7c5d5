/**
 * A StatefulSet behind its headless Service on two simulated Pis, as the course notes (002)
 * write one (without volumeClaimTemplates: persistent-volumes.test.ts runs a set with claims).
 * Its pods are created in
 * order (web-1 only once web-0 is Running and Ready), resolve each other's stable DNS names
 * from inside a pod, take a new image from the highest ordinal down, and scale down in reverse.
 */
import assert from 'node:assert/strict';
import type { Pod } from '../../api/core-v1';
import { withTestCluster, type TestCluster } from '../support/cluster-fixture';
import { until } from '../../scripts/cluster/wait-until';
import { kubectlOk } from '../support/kubectl-pods';

function manifest(replicas: number): string {
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
      app: nginx
  serviceName: "nginx"
  replicas: ${replicas}
  template:
    metadata:
      labels:
        app: nginx
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: nginx
        image: pikube/busybox:latest
        imagePullPolicy: IfNotPresent
        command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 80 -h /www"]
        ports:
        - containerPort: 80
          name: web
        readinessProbe:
          httpGet: { path: /, port: 80 }
          periodSeconds: 1
`;
}

describe('StatefulSets on the simulated cluster', function () {
  this.timeout(180_000);
  const cluster = withTestCluster({ nodes: ['pi1', 'pi2'] }, async (up) => {
    // There is no registry: the "new image" of the rolling update is the test image under another tag on each node.
    for (const node of ['pi1', 'pi2']) await up.docker(node).getImage('pikube/busybox:latest').tag({ repo: 'pikube/busybox', tag: 'v2' });
  });
  const tc = (): TestCluster => cluster.get();
  const kubectl = (...args: string[]): Promise<string> => kubectlOk(tc(), args);

  const pods = async (): Promise<Pod[]> => (JSON.parse(await kubectl('get', 'pods', '-l', 'app=nginx', '-o', 'json')) as { items: Pod[] }).items;
  const byName = async (): Promise<Map<string, Pod>> => new Map((await pods()).map((p) => [p.metadata.name ?? '', p]));
  const ready = (p: Pod | undefined): boolean => p?.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
  const summary = async (): Promise<string> => (await pods()).map((p) => `${p.metadata.name} ${p.status?.phase} ready=${ready(p)} ${p.spec.containers[0]?.image}${p.metadata.deletionTimestamp ? ' deleting' : ''}`).join('; ');
  const readyTime = (p: Pod | undefined): string => p?.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime ?? '';

  it('creates web-0, web-1, web-2 in order, each only once the previous one is Running and Ready', async () => {
    assert.equal((await tc().kubectl(['apply', '-f', '-'], { input: manifest(3) })).code, 0);
    // Sampled while they come up: a pod never exists while its predecessor is not ready.
    const violations: string[] = [];
    await until(async () => {
      const now = await byName();
      for (const n of [1, 2]) if (now.has(`web-${n}`) && !ready(now.get(`web-${n - 1}`))) violations.push(`web-${n} exists while web-${n - 1} is not ready`);
      return [0, 1, 2].every((n) => ready(now.get(`web-${n}`)));
    }, { timeoutMs: 90_000, intervalMs: 200, describe: summary });
    assert.deepEqual(violations, []);
    const now = await byName();
    for (const n of [1, 2]) assert.ok((now.get(`web-${n}`)?.metadata.creationTimestamp ?? '') >= readyTime(now.get(`web-${n - 1}`)), await summary());
    assert.match(await kubectl('get', 'sts', 'web', '--no-headers'), /^web\s+3\/3\s/);
    assert.equal((await kubectl('rollout', 'status', 'sts/web', '--timeout=30s')).trim(), 'partitioned roll out complete: 3 new pods have been updated...');
  });

  it('gives each pod a stable DNS name under the headless service, resolvable from a pod', async () => {
    const now = await byName();
    assert.equal((await kubectl('exec', 'web-0', '--', 'hostname')).trim(), 'web-0');
    for (const n of [1, 2]) {
      const ip = now.get(`web-${n}`)?.status?.podIP ?? '';
      assert.ok(ip, await summary());
      const answer = await until(async () => {
        const res = await tc().kubectl(['exec', 'web-0', '--', 'nslookup', `web-${n}.nginx.default.svc.cluster.local`]);
        return res.code === 0 && res.stdout.includes(ip) ? res.stdout : undefined;
      }, { timeoutMs: 30_000, intervalMs: 500 });
      assert.match(answer, new RegExp(`Address:\\s+${ip.replace(/\./g, '\\.')}`));
    }
    const page = await kubectl('exec', 'web-0', '--', 'sh', '-c', 'timeout 3 wget -qO- http://web-2.nginx:80/');
    assert.equal(page.trim(), 'web-2');
  });

  it('rolls a new image out from the highest ordinal down', async () => {
    assert.equal((await kubectl('set', 'image', 'sts/web', 'nginx=pikube/busybox:v2')).trim(), 'statefulset.apps/web image updated');
    const order: string[] = [];
    await until(async () => {
      const now = await byName();
      for (const [name, pod] of now) if (pod.spec.containers[0]?.image === 'pikube/busybox:v2' && !order.includes(name)) order.push(name);
      return [0, 1, 2].every((n) => ready(now.get(`web-${n}`)) && now.get(`web-${n}`)?.spec.containers[0]?.image === 'pikube/busybox:v2');
    }, { timeoutMs: 120_000, intervalMs: 200, describe: summary });
    assert.deepEqual(order, ['web-2', 'web-1', 'web-0']);
    assert.equal((await kubectl('rollout', 'status', 'sts/web', '--timeout=30s')).trim(), 'partitioned roll out complete: 3 new pods have been updated...');
    const status = JSON.parse(await kubectl('get', 'sts', 'web', '-o', 'jsonpath={.status}')) as Record<string, unknown>;
    assert.equal(status.currentRevision, status.updateRevision);
  });

  it('scales down in reverse order: web-2 is gone before web-1 starts terminating', async () => {
    assert.equal((await kubectl('scale', 'sts/web', '--replicas=1')).trim(), 'statefulset.apps/web scaled');
    const violations: string[] = [];
    await until(async () => {
      const now = await byName();
      if (now.get('web-1')?.metadata.deletionTimestamp && now.has('web-2')) violations.push('web-1 terminating while web-2 still exists');
      if (!now.has('web-1') && now.has('web-2')) violations.push('web-1 gone before web-2');
      return now.size === 1 && ready(now.get('web-0'));
    }, { timeoutMs: 60_000, intervalMs: 100, describe: summary });
    assert.deepEqual(violations, []);
    assert.match(await kubectl('get', 'sts', 'web', '--no-headers'), /^web\s+1\/1\s/);
  });

  it('takes its pods with it when deleted', async () => {
    assert.equal((await kubectl('delete', 'sts', 'web')).trim(), 'statefulset.apps "web" deleted');
    await until(async () => (await pods()).length === 0, { timeoutMs: 60_000, describe: summary });
  });
});
