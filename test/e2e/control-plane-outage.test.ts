/**
 * Issue 12, tests 4 and 5, on two simulated Pis with one control plane and one etcd on the
 * machine. (4) The control plane is SIGKILLed for 30 s: every container keeps running (same
 * Docker ids, same restart counts), a crashing container is still restarted by its agent, a
 * ClusterIP Service reached by its cluster DNS name answers throughout (polled from a pod), and
 * after the control plane returns no node goes NotReady and no pod is evicted: the new leader
 * counts silence from its own start (plus the agents' longest reconnect delay). (5) etcd is
 * stopped for 60 s: the API answers 503, nothing exits, and once etcd is back a Deployment
 * scaled afterwards converges. Timing is noisy (two cores shared with other test runs).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Event, Pod } from '../../api/core-v1';
import type { KubeList } from '../../api/meta';
import { restartControlPlane, startClusterEtcd, stopClusterEtcd, stopControlPlane } from '../../scripts/cluster/cluster';
import { refAlive } from '../../scripts/cluster/process-ref';
import { until } from '../../scripts/cluster/wait-until';
import { withTestCluster, type TestCluster } from '../support/cluster-fixture';
import { kubectlOk } from '../support/kubectl-pods';

const CONTROL_PLANE_AWAY_MS = 30_000;
const ETCD_AWAY_MS = 60_000;
/** Grace (5 s, control-plane-process.ts) + the agents' longest reconnect delay (5 s) + margin: a wrongly counted absence shows by then. */
const AFTER_RETURN_MS = 15_000;

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: { app: outage }
  template:
    metadata:
      labels: { app: outage }
    spec:
      terminationGracePeriodSeconds: 1
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm: { topologyKey: kubernetes.io/hostname, labelSelector: { matchLabels: { app: outage } } }
      containers:
        - name: web
          image: pikube/busybox:latest
          imagePullPolicy: IfNotPresent
          command: ["sh", "-c", "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www"]
          readinessProbe: { httpGet: { path: /, port: 8080 }, periodSeconds: 1 }
          livenessProbe: { httpGet: { path: /, port: 8080 }, periodSeconds: 1, failureThreshold: 2 }
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: outage }
  ports: [{ port: 80, targetPort: 8080 }]
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: client
      image: pikube/busybox:latest
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "while true; do if timeout 2 wget -qO- http://web.default.svc.cluster.local/ >/dev/null 2>&1; then echo \\"ok $(date +%s)\\"; else echo \\"fail $(date +%s)\\"; fi; sleep 0.5; done"]
`;

/** Created just before the control plane goes: it exits after 4 s, so its agent restarts it (10 s back-off) while the control plane is away. */
const CRASHER = `apiVersion: v1
kind: Pod
metadata:
  name: crasher
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: crasher
      image: pikube/busybox:latest
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "sleep 4; exit 1"]
`;

/** A container of a pod, as Docker on its node shows it. */
interface ContainerFact {
  node: string;
  pod: string;
  id: string;
  created: number;
  running: boolean;
}

describe('control plane and etcd outages', function () {
  this.timeout(300_000);
  let tc: TestCluster;

  const pods = async (): Promise<Pod[]> => (JSON.parse(await kubectlOk(tc, ['get', 'pods', '-o', 'json'])) as KubeList<Pod>).items;
  const restarts = (list: Pod[]): Record<string, number> =>
    Object.fromEntries(list.filter((p) => p.metadata.name !== 'crasher').map((p) => [p.metadata.name ?? '', p.status?.containerStatuses?.[0]?.restartCount ?? -1]));
  const isReady = (pod: Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const controlPlaneLog = (): string => readFileSync(path.join(tc.cluster.logDir, 'control-plane.log'), 'utf8');

  async function containers(): Promise<ContainerFact[]> {
    const all = await Promise.all(tc.nodes.map(async (n) => (await tc.docker(n.name).listContainers({ all: true, filters: { label: ['io.kubernetes.pod.uid'] } }))
      .map((c) => ({ node: n.name, pod: c.Labels['io.kubernetes.pod.name'] ?? '', id: c.Id, created: c.Created * 1000, running: c.State === 'running' }))));
    return all.flat();
  }

  /** The client pod's log: one `ok|fail <unix s>` line per request. */
  async function clientResults(): Promise<Array<{ ok: boolean; at: number }>> {
    const out = await kubectlOk(tc, ['logs', 'client']);
    return out.trim().split('\n').map((l) => l.split(' ')).filter((p) => p.length === 2).map(([r, s]) => ({ ok: r === 'ok', at: Number(s) * 1000 }));
  }

  async function nodeNotReadyEventsSince(t0: number): Promise<string[]> {
    const events = (JSON.parse(await kubectlOk(tc, ['get', 'events', '-A', '-o', 'json'])) as KubeList<Event>).items;
    return events.filter((e) => ['NodeNotReady', 'TaintManagerEviction'].includes(e.reason ?? '') && Date.parse(e.lastTimestamp ?? e.eventTime ?? '') >= t0 - 1000)
      .map((e) => `${e.reason} ${e.involvedObject.name}`);
  }

  withTestCluster({ nodes: ['pi1', 'pi2'] }, async (up) => {
    tc = up;
    await kubectlOk(tc, ['apply', '-f', '-'], MANIFEST);
    let seen: Pod[] = [];
    await until(async () => {
      seen = await pods();
      return seen.filter((p) => p.metadata.labels?.app === 'outage' && isReady(p)).length === 2 && seen.some((p) => p.metadata.name === 'client' && isReady(p));
    }, { timeoutMs: 120_000, intervalMs: 1000, describe: () => seen.map((p) => `${p.metadata.name}@${p.spec.nodeName}`).join(', ') });
    await until(async () => (await clientResults()).slice(-4).every((r) => r.ok) && (await clientResults()).length >= 4, { timeoutMs: 30_000, intervalMs: 1000, describe: async () => JSON.stringify((await clientResults()).slice(-5)) });
  });

  it('keeps every container, the Service and DNS through 30 s without the control plane, and declares nothing dead when it returns', async () => {
    await kubectlOk(tc, ['apply', '-f', '-'], CRASHER);
    await until(async () => (await containers()).some((c) => c.pod === 'crasher'), { timeoutMs: 60_000, intervalMs: 500, describe: () => 'crasher not started' });
    const podsBefore = await pods();
    const containersBefore = (await containers()).filter((c) => c.running);
    const t0 = Date.now();
    await stopControlPlane(tc.cluster, 'SIGKILL');
    await sleep(CONTROL_PLANE_AWAY_MS);
    const containersWhileAway = await containers();
    const returnedAt = Date.now();
    await restartControlPlane(tc.cluster);
    const readyAt = Date.now();
    await sleep(AFTER_RETURN_MS);

    const stable = containersBefore.filter((c) => c.pod !== 'crasher');
    const runningAfter = (await containers()).filter((c) => c.running);
    assert.ok(stable.length >= 3, `containers to compare: ${JSON.stringify(stable)}`);
    const gone = stable.filter((c) => !containersWhileAway.some((d) => d.id === c.id && d.running));
    assert.deepEqual(gone, [], 'containers that did not survive the control plane\'s absence');
    assert.deepEqual(stable.filter((c) => !runningAfter.some((d) => d.id === c.id)), [], 'containers replaced after the control plane returned');
    const crasherRestartsAway = containersWhileAway.filter((c) => c.pod === 'crasher' && c.created > t0 && c.created < returnedAt);
    assert.ok(crasherRestartsAway.length > 0, 'the crashing container was restarted by its agent while the control plane was away');

    const podsAfter = await pods();
    assert.deepEqual(restarts(podsAfter), restarts(podsBefore), 'restart counts');
    assert.deepEqual(podsAfter.map((p) => p.metadata.uid).sort(), podsBefore.map((p) => p.metadata.uid).sort(), 'the same pods (none evicted or replaced)');
    assert.ok(podsAfter.every((p) => !p.metadata.deletionTimestamp), 'no pod terminating');
    assert.deepEqual(await nodeNotReadyEventsSince(t0), [], 'NodeNotReady or eviction events');
    assert.ok(!/is unreachable/.test(controlPlaneLog().slice(controlPlaneLog().lastIndexOf('pikube control plane'))), 'the returned control plane declared a node unreachable');
    const nodes = (await kubectlOk(tc, ['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}'])).trim();
    assert.equal(nodes, 'pi1=True pi2=True');

    const results = (await clientResults()).filter((r) => r.at >= t0 - 1000);
    const failed = results.filter((r) => !r.ok);
    console.log(`      control plane SIGKILLed for ${CONTROL_PLANE_AWAY_MS / 1000} s, ready again ${((readyAt - returnedAt) / 1000).toFixed(1)} s after its restart: `
      + `${results.length} requests by DNS name to the ClusterIP from a pod, ${failed.length} failed; ${crasherRestartsAway.length} restart(s) of the crashing container while away`);
    assert.equal(failed.length, 0, `failed requests at ${failed.map((r) => new Date(r.at).toISOString()).join(', ')}`);
    assert.ok(results.some((r) => r.at > t0 + 5_000 && r.at < returnedAt), 'the client kept polling while the control plane was away');
  });

  it('answers 503 while etcd is stopped for 60 s, keeps every process up, and converges a scaled Deployment once etcd is back', async () => {
    const t0 = Date.now();
    await stopClusterEtcd(tc.cluster);
    const unavailable = await tc.kubectl(['get', 'pods'], { timeoutMs: 15_000 });
    assert.notEqual(unavailable.code, 0);
    assert.match(unavailable.stderr, /ServiceUnavailable|503|unable to handle the request/, unavailable.stderr);
    const raw = await tc.kubectl(['get', '--raw', '/readyz?verbose'], { timeoutMs: 15_000 });
    assert.notEqual(raw.code, 0, 'readyz fails while etcd is away');
    await sleep(Math.max(0, ETCD_AWAY_MS - (Date.now() - t0)));
    const late = await tc.kubectl(['get', 'deployments'], { timeoutMs: 15_000 });
    assert.match(late.stderr, /ServiceUnavailable|503|unable to handle the request/, `after ${ETCD_AWAY_MS / 1000} s: ${late.stderr}`);
    const cp = tc.cluster.controlPlane?.process;
    assert.ok(cp && refAlive(cp), 'the control plane is still running');
    for (const node of tc.nodes) assert.ok(node.agent && refAlive(node.agent), `the agent of ${node.name} is still running`);

    await startClusterEtcd(tc.cluster);
    const backAt = Date.now();
    await until(async () => (await tc.kubectl(['get', 'pods'], { timeoutMs: 10_000 })).code === 0, { timeoutMs: 30_000, intervalMs: 500, describe: () => 'API still failing' });
    const apiBackMs = Date.now() - backAt;
    await kubectlOk(tc, ['scale', 'deployment', 'web', '--replicas=3']);
    await until(async () => (await kubectlOk(tc, ['get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}'])).trim() === '3',
      { timeoutMs: 60_000, intervalMs: 1000, describe: () => kubectlOk(tc, ['get', 'pods', '-o', 'wide']) });
    const convergedMs = Date.now() - backAt;
    assert.deepEqual(await nodeNotReadyEventsSince(t0), [], 'NodeNotReady or eviction events');
    console.log(`      etcd stopped ${ETCD_AWAY_MS / 1000} s: the API answered 503 throughout; after its return the API answered in ${(apiBackMs / 1000).toFixed(1)} s, `
      + `a Deployment scaled 2 → 3 was Ready ${(convergedMs / 1000).toFixed(1)} s after`);
  });
});
