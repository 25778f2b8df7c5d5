/**
 * A PodDisruptionBudget guarding a ReplicaSet of 3 on two simulated Pis, as an administrator
 * meets one during maintenance: with minAvailable 3 `kubectl drain` cannot evict anything and
 * gives up at its timeout with the budget's message; relaxed to 2, the same drain proceeds one
 * pod at a time (each eviction waits for the previous pod's replacement to be ready on the other
 * node), never leaving fewer than 2 healthy pods, and the node ends cordoned and empty.
 */
import assert from 'node:assert/strict';
import { withTestCluster, type TestCluster } from '../support/cluster-fixture';
import { until } from '../../scripts/cluster/wait-until';
import { kubectlOk } from '../support/kubectl-pods';
import { HOSTNAME_WEB_POD_SPEC } from '../support/hostname-web';

const MANIFEST = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
${HOSTNAME_WEB_POD_SPEC}`;

interface PodPlace {
  name: string;
  node: string;
  ready: boolean;
}

describe('PodDisruptionBudgets and kubectl drain on the simulated cluster', function () {
  this.timeout(180_000);
  const cluster = withTestCluster({ nodes: ['pi1', 'pi2'] });
  const tc = (): TestCluster => cluster.get();
  const kubectl = (...args: string[]): Promise<string> => kubectlOk(tc(), args);

  /** The set's pods not being deleted (a deleting one has a fourth field): name, node, Ready. */
  async function pods(): Promise<PodPlace[]> {
    const out = await kubectl('get', 'pods', '-l', 'app=web', '-o',
      'jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.status.conditions[?(@.type=="Ready")].status} {.metadata.deletionTimestamp}{"\\n"}{end}');
    return out.trim().split('\n').filter(Boolean).map((l) => l.trim().split(' ')).filter((f) => f.length === 3)
      .map(([name = '', node = '', ready = '']) => ({ name, node, ready: ready === 'True' }));
  }
  const describePods = async (): Promise<string> => JSON.stringify(await pods());
  const allowed = async (): Promise<string> => (await kubectl('get', 'pdb', 'web', '-o', 'jsonpath={.status.disruptionsAllowed}')).trim();

  let drained = '';
  let other = '';

  it('blocks the drain of a node while the budget needs every pod: the drain times out with the budget message', async () => {
    assert.equal((await tc().kubectl(['apply', '-f', '-'], { input: MANIFEST })).code, 0);
    const ready = await until(async () => {
      const list = await pods();
      return list.length === 3 && list.every((p) => p.ready) ? list : undefined;
    }, { timeoutMs: 90_000, intervalMs: 500, describe: describePods });
    // The node holding most of the set: with two of its pods there, the drain has to wait between them.
    const onPi1 = ready.filter((p) => p.node === 'pi1').length;
    drained = onPi1 >= 2 ? 'pi1' : 'pi2';
    other = drained === 'pi1' ? 'pi2' : 'pi1';
    assert.equal((await kubectl('create', 'pdb', 'web', '--selector=app=web', '--min-available=3')).trim(), 'poddisruptionbudget.policy/web created');
    await until(async () => (await kubectl('get', 'pdb', 'web', '-o', 'jsonpath={.status.currentHealthy}/{.status.disruptionsAllowed}')) === '3/0', { timeoutMs: 30_000 });
    assert.match(await kubectl('get', 'pdb', 'web', '--no-headers'), /^web\s+3\s+N\/A\s+0\s+/);

    const started = Date.now();
    const blocked = await tc().kubectl(['drain', drained, '--ignore-daemonsets', '--timeout=12s'], { timeoutMs: 60_000 });
    const seconds = (Date.now() - started) / 1000;
    assert.notEqual(blocked.code, 0, blocked.stdout);
    assert.match(blocked.stdout, new RegExp(`node/${drained} cordoned`));
    assert.match(blocked.stderr, /error when evicting pods\/"web-[a-z0-9]+" -n "default" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\./);
    assert.match(blocked.stderr, /global timeout reached: 12s/);
    assert.ok(seconds >= 12 && seconds < 40, `drain gave up after ${seconds.toFixed(1)} s`);
    const after = await pods();
    assert.equal(after.length, 3, JSON.stringify(after));
    assert.ok(after.every((p) => p.ready), JSON.stringify(after));
    assert.match(await kubectl('get', 'node', drained, '--no-headers'), /SchedulingDisabled/);
  });

  it('lets the drain proceed one pod at a time once the budget is relaxed to 2', async () => {
    assert.match(await kubectl('patch', 'pdb', 'web', '--type=merge', '-p', '{"spec":{"minAvailable":2}}'), /poddisruptionbudget.policy\/web patched/);
    await until(async () => (await allowed()) === '1', { timeoutMs: 30_000 });
    let minHealthy = 3;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const healthy = (await pods()).filter((p) => p.ready).length;
        minHealthy = Math.min(minHealthy, healthy);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const started = Date.now();
    const drain = await tc().kubectl(['drain', drained, '--ignore-daemonsets', '--timeout=120s'], { timeoutMs: 150_000 });
    const seconds = (Date.now() - started) / 1000;
    watching = false;
    await watcher;
    assert.equal(drain.code, 0, `${drain.stdout}\n${drain.stderr}`);
    assert.match(drain.stdout, /pod\/web-[a-z0-9]+ evicted/);
    assert.match(drain.stdout, new RegExp(`node/${drained} drained`));
    assert.ok(minHealthy >= 2, `only ${minHealthy} ready pods at one point of the drain`);
    const evictedCount = (drain.stdout.match(/pod\/web-[a-z0-9]+ evicted/g) ?? []).length;
    // Three pods on two nodes put at least two on the drained one, and one disruption is allowed:
    // the second eviction waits for the first pod's replacement.
    assert.ok(evictedCount >= 2, drain.stdout);
    assert.match(drain.stderr, /will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\./);
    const settled = await until(async () => {
      const list = await pods();
      return list.length === 3 && list.every((p) => p.ready && p.node === other) ? list : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500, describe: describePods });
    assert.equal(settled.length, 3);
    process.stdout.write(`      drain of ${evictedCount} pods took ${seconds.toFixed(1)} s; fewest ready pods seen ${minHealthy}\n`);
    assert.match(await kubectl('uncordon', drained), new RegExp(`node/${drained} uncordoned`));
    await kubectl('delete', 'rs', 'web');
  });
});
