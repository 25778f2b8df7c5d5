/**
 * Issue 12's node health taints and maintenance on two simulated Pis, each through the real
 * kubectl: a node whose dockerd stops answering (frozen with SIGSTOP: its containers keep
 * running, its agent stays connected) says Ready=False itself, gets the
 * `node.kubernetes.io/not-ready` NoSchedule and NoExecute taints, and its pods are evicted after
 * their 2 s toleration and replaced on the other node; Docker answering again brings Ready and
 * clears the taints. An unplugged node tainted `node.kubernetes.io/out-of-service` by hand
 * (Kubernetes' non-graceful shutdown) loses its terminating pods at once. A cordoned node takes
 * no new pod until it is uncordoned.
 */
import assert from 'node:assert/strict';
import type { Event, Node, Pod } from '../../api/core-v1';
import type { KubeList } from '../../api/meta';
import { cutNode, reconnectNode } from '../../scripts/cluster/cluster';
import { signalRef } from '../../scripts/cluster/process-ref';
import { until } from '../../scripts/cluster/wait-until';
import { withTestCluster, type TestCluster } from '../support/cluster-fixture';
import { kubectlOk } from '../support/kubectl-pods';
import { HOSTNAME_WEB_POD_SPEC } from '../support/hostname-web';

const replicaSet = (name: string, replicas: number): string => `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
${HOSTNAME_WEB_POD_SPEC}`;

const isReady = (p: Pod): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const seconds = (ms: number): string => (ms / 1000).toFixed(1);

describe('node health taints, out-of-service and cordon on the simulated cluster', function () {
  this.timeout(300_000);
  const cluster = withTestCluster({ nodes: ['pi1', 'pi2'] });
  const tc = (): TestCluster => cluster.get();
  const kubectl = (...args: string[]): Promise<string> => kubectlOk(tc(), args);
  const pods = async (app: string): Promise<Pod[]> => (JSON.parse(await kubectl('get', 'pods', '-l', `app=${app}`, '-o', 'json')) as KubeList<Pod>).items;
  const node = async (name: string): Promise<Node> => JSON.parse(await kubectl('get', 'node', name, '-o', 'json')) as Node;
  const readyOf = (n: Node): string => n.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? '?';
  const taintsOf = (n: Node): string[] => (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
  const summary = (list: Pod[]): string => list.map((p) => `${p.metadata.name}@${p.spec.nodeName ?? '-'}${p.metadata.deletionTimestamp ? ' Terminating' : ''}${isReady(p) ? ' ready' : ''}`).join(', ');

  /** Waits until `n` pods of `app` are Ready and not terminating, none on `avoid`. */
  async function readyElsewhere(app: string, n: number, avoid: string): Promise<Pod[]> {
    let seen: Pod[] = [];
    await until(async () => (seen = await pods(app)).filter((p) => isReady(p) && !p.metadata.deletionTimestamp && p.spec.nodeName !== avoid).length === n,
      { timeoutMs: 90_000, intervalMs: 500, describe: () => summary(seen) });
    return seen;
  }

  it('taints a node whose Docker does not answer not-ready, evicts its pods to the other node, and clears it when Docker answers', async () => {
    await kubectlOk(tc(), ['apply', '-f', '-'], replicaSet('frozen', 4));
    let seen: Pod[] = [];
    await until(async () => (seen = await pods('frozen')).length === 4 && seen.every(isReady), { timeoutMs: 120_000, intervalMs: 500, describe: () => summary(seen) });
    const victim = seen[0]?.spec.nodeName ?? '';
    const other = victim === 'pi1' ? 'pi2' : 'pi1';
    const lost = seen.filter((p) => p.spec.nodeName === victim);
    const dockerd = tc().nodes.find((n) => n.name === victim)?.dockerd;
    const t0 = Date.now();
    assert.ok(signalRef(dockerd, 'SIGSTOP'), `${victim}'s dockerd is not running`);
    try {
      let n = await node(victim);
      await until(async () => readyOf((n = await node(victim))) === 'False', { timeoutMs: 60_000, intervalMs: 500, describe: () => JSON.stringify(n.status?.conditions) });
      const notReadyMs = Date.now() - t0;
      const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
      assert.equal(ready?.reason, 'KubeletNotReady');
      assert.match(ready?.message ?? '', /^container runtime is down/);
      await until(async () => taintsOf((n = await node(victim))).join() === 'node.kubernetes.io/not-ready:NoExecute,node.kubernetes.io/not-ready:NoSchedule',
        { timeoutMs: 30_000, intervalMs: 500, describe: () => taintsOf(n).join() });
      assert.match(await kubectl('get', 'nodes'), new RegExp(`${victim}\\s+NotReady\\s`));
      seen = await readyElsewhere('frozen', 4, victim);
      const replacedMs = Date.now() - t0;
      const evicted = seen.filter((p) => lost.some((l) => l.metadata.uid === p.metadata.uid));
      assert.ok(evicted.every((p) => p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'DisruptionTarget' && c.reason === 'DeletionByTaintManager')), summary(evicted));
      const events = (JSON.parse(await kubectl('get', 'events', '-o', 'json')) as KubeList<Event>).items;
      assert.ok(events.some((e) => e.reason === 'NodeNotReady' && e.involvedObject.kind === 'Node' && e.involvedObject.name === victim), 'NodeNotReady event for the node');
      console.log(`      ${victim}'s dockerd frozen: Ready=False after ${seconds(notReadyMs)} s, ${lost.length} pod(s) Ready on ${other} after ${seconds(replacedMs)} s (2 s toleration; noisy: shared machine)`);
    } finally {
      signalRef(dockerd, 'SIGCONT');
    }
    let n = await node(victim);
    await until(async () => readyOf((n = await node(victim))) === 'True' && taintsOf(n).length === 0, { timeoutMs: 60_000, intervalMs: 500, describe: () => `${readyOf(n)} ${taintsOf(n).join()}` });
    const lostUids = new Set(lost.map((p) => p.metadata.uid));
    await until(async () => !(seen = await pods('frozen')).some((p) => lostUids.has(p.metadata.uid)), { timeoutMs: 60_000, intervalMs: 500, describe: () => summary(seen) });
    await kubectl('delete', 'rs', 'frozen');
  });

  it('force-deletes the terminating pods of an unplugged node tainted out-of-service, and its agent removes their containers on return', async () => {
    await kubectlOk(tc(), ['apply', '-f', '-'], replicaSet('oos', 2));
    let seen: Pod[] = [];
    await until(async () => (seen = await pods('oos')).filter((p) => !p.metadata.deletionTimestamp).length === 2 && seen.every(isReady),
      { timeoutMs: 120_000, intervalMs: 500, describe: () => summary(seen) });
    const victim = seen[0]?.spec.nodeName ?? '';
    const lost = seen.filter((p) => p.spec.nodeName === victim);
    const lostUids = new Set(lost.map((p) => p.metadata.uid));
    await cutNode(tc().cluster, victim);
    try {
      // Evicted after the unreachable taint's 2 s toleration, they stay Terminating: no agent confirms.
      seen = await readyElsewhere('oos', 2, victim);
      await new Promise((r) => setTimeout(r, 3000));
      seen = await pods('oos');
      assert.equal(seen.filter((p) => lostUids.has(p.metadata.uid) && p.metadata.deletionTimestamp).length, lost.length, `still Terminating: ${summary(seen)}`);
      const t0 = Date.now();
      await kubectl('taint', 'node', victim, 'node.kubernetes.io/out-of-service=nodeshutdown:NoExecute');
      await until(async () => !(seen = await pods('oos')).some((p) => lostUids.has(p.metadata.uid)), { timeoutMs: 30_000, intervalMs: 250, describe: () => summary(seen) });
      console.log(`      ${victim} unplugged and tainted out-of-service: its ${lost.length} terminating pod(s) gone from the API ${seconds(Date.now() - t0)} s after the taint`);
      await kubectl('taint', 'node', victim, 'node.kubernetes.io/out-of-service=nodeshutdown:NoExecute-');
    } finally {
      await reconnectNode(tc().cluster, victim);
    }
    await until(async () => readyOf(await node(victim)) === 'True', { timeoutMs: 60_000, intervalMs: 500 });
    let left: string[] = [];
    await until(async () => {
      const containers = await tc().docker(victim).listContainers({ all: true, filters: { label: ['io.kubernetes.pod.uid'] } });
      left = containers.filter((c) => lostUids.has(c.Labels['io.kubernetes.pod.uid'])).map((c) => c.Names[0] ?? c.Id);
      return left.length === 0;
    }, { timeoutMs: 60_000, intervalMs: 500, describe: () => `containers of force-deleted pods on ${victim}: ${left.join(', ')}` });
    await kubectl('delete', 'rs', 'oos');
  });

  it('keeps a new pod off a cordoned node until it is uncordoned', async () => {
    assert.match(await kubectl('cordon', 'pi2'), /node\/pi2 cordoned/);
    assert.match(await kubectl('get', 'node', 'pi2'), /Ready,SchedulingDisabled/);
    const pinned = `apiVersion: v1
kind: Pod
metadata:
  name: pinned
spec:
  nodeSelector: { kubernetes.io/hostname: pi2 }
  terminationGracePeriodSeconds: 1
  containers:
    - name: c
      image: pikube/busybox:latest
      imagePullPolicy: IfNotPresent
      command: ["sleep", "3600"]
`;
    await kubectlOk(tc(), ['apply', '-f', '-'], pinned);
    let phase = '';
    await until(async () => (await kubectl('get', 'events', '--field-selector', 'involvedObject.name=pinned,reason=FailedScheduling', '-o', 'name')).trim() !== '',
      { timeoutMs: 30_000, intervalMs: 500 });
    phase = (await kubectl('get', 'pod', 'pinned', '-o', 'jsonpath={.status.phase}/{.spec.nodeName}')).trim();
    assert.equal(phase, 'Pending/', 'a cordoned node takes no new pod');
    assert.match(await kubectl('uncordon', 'pi2'), /node\/pi2 uncordoned/);
    await until(async () => (phase = (await kubectl('get', 'pod', 'pinned', '-o', 'jsonpath={.status.phase}/{.spec.nodeName}')).trim()) === 'Running/pi2',
      { timeoutMs: 60_000, intervalMs: 500, describe: () => phase });
    assert.doesNotMatch(await kubectl('get', 'node', 'pi2'), /SchedulingDisabled/);
    await kubectl('delete', 'pod', 'pinned', '--wait=false');
  });
});
