import { strict as assert } from 'node:assert';
import type { ReplicaSet } from '../../../../api/apps-v1';
import type { Pod } from '../../../../api/core-v1';
import type { PodDisruptionBudget } from '../../../../api/policy-v1';
import { disruptionController } from '../../../../control-plane/controllers/disruption-controller';
import { replicaSetController } from '../../../../control-plane/controllers/replica-set-controller';
import { until } from '../../../../scripts/cluster/wait-until';
import type { ApiServerFixture } from '../../../support/api-server-fixture';
import { withApiAndControllers } from '../../../support/controllers-fixture';
import { tableRows } from '../../../support/kubectl-table';

const PDBS = 'poddisruptionbudgets.policy';

function aReplicaSet(name: string, replicas: number): ReplicaSet {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: 'default' },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'pikube/busybox:latest' }] } } },
  };
}

function eviction(name: string, deleteOptions?: object): string {
  return JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' }, ...(deleteOptions ? { deleteOptions } : {}) });
}

describe('PodDisruptionBudgets and evictions through the real kubectl (real etcd, API server, controllers)', function () {
  this.timeout(60_000);
  const fixture = withApiAndControllers([replicaSetController, disruptionController]);
  const api = (): ApiServerFixture => fixture.get().api;
  const kubectl = (args: string[], input?: string) => fixture.get().kubectl(args, input);

  const podsOf = async (app: string): Promise<Pod[]> => (await api().registry.list<Pod>('pods', { namespace: 'default', labelSelector: `app=${app}` })).items;
  const getPdb = (name: string): Promise<PodDisruptionBudget> => api().registry.get<PodDisruptionBudget>(PDBS, 'default', name);
  const live = (pods: Pod[]): Pod[] => pods.filter((p) => !p.metadata.deletionTimestamp);

  /** What an agent would report: bound to a node, Running and Ready (deletion is then graceful, as on a node). */
  async function runReady(pod: Pod): Promise<void> {
    const name = pod.metadata.name ?? '';
    if (!pod.spec.nodeName) await api().registry.bind('default', { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: 'pi1' } });
    await api().registry.guaranteedUpdate<Pod>('pods', 'default', name, (p) => ({ ...p, status: { ...p.status, phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }), { subresource: 'status' });
  }

  async function allReady(app: string, count: number): Promise<Pod[]> {
    await until(async () => live(await podsOf(app)).length === count, { timeoutMs: 15_000 });
    for (const pod of live(await podsOf(app))) if (pod.status?.phase !== 'Running') await runReady(pod);
    return live(await podsOf(app));
  }

  async function budgetSays(name: string, expected: Partial<NonNullable<PodDisruptionBudget['status']>>): Promise<PodDisruptionBudget> {
    await until(async () => {
      const status = (await getPdb(name)).status as unknown as Record<string, unknown>;
      return Object.entries(expected).every(([k, v]) => JSON.stringify(status[k]) === JSON.stringify(v));
    }, { timeoutMs: 15_000, describe: async () => JSON.stringify((await getPdb(name)).status) });
    return getPdb(name);
  }

  const evict = (name: string, deleteOptions?: object) => api().request('POST', `/api/v1/namespaces/default/pods/${name}/eviction`, { body: eviction(name, deleteOptions) });

  it('creates a budget with kubectl create pdb; the controller reports it, get pdb shows its columns', async () => {
    await api().registry.create(('replicasets.apps'), 'default', aReplicaSet('web', 3));
    await allReady('web', 3);
    const created = await kubectl(['create', 'pdb', 'web', '--selector=app=web', '--min-available=2']);
    assert.equal(created.out, 'poddisruptionbudget.policy/web created');
    const pdb = await budgetSays('web', { currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1, observedGeneration: 1 });
    assert.deepEqual(pdb.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message, c.observedGeneration]), [['DisruptionAllowed', 'True', 'SufficientPods', '', 1]]);
    const get = await kubectl(['get', 'pdb']);
    assert.equal(get.code, 0, get.out);
    assert.deepEqual(tableRows(get.stdout).map((r) => r.slice(0, 4)), [['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS'], ['web', '2', 'N/A', '1']]);
    const resources = await kubectl(['api-resources', '--api-group=policy', '--no-headers']);
    assert.deepEqual(tableRows(resources.stdout), [['poddisruptionbudgets', 'pdb', 'policy/v1', 'true', 'PodDisruptionBudget']]);
    const described = await kubectl(['describe', 'pdb', 'web']);
    assert.equal(described.code, 0, described.out);
    for (const line of [/Min available:\s+2/, /Selector:\s+app=web/, /Allowed disruptions:\s+1/, /Current:\s+3/, /Desired:\s+2/, /Total:\s+3/]) assert.match(described.stdout, line);
  });

  it('reads a maxUnavailable percentage against the ReplicaSet scale, rounding up', async () => {
    await api().registry.create('replicasets.apps', 'default', aReplicaSet('api', 3));
    await allReady('api', 3);
    const created = await kubectl(['create', 'pdb', 'api', '--selector=app=api', '--max-unavailable=50%']);
    assert.equal(created.out, 'poddisruptionbudget.policy/api created');
    await budgetSays('api', { expectedPods: 3, desiredHealthy: 1, currentHealthy: 3, disruptionsAllowed: 2 });
    assert.match((await kubectl(['get', 'pdb', 'api', '--no-headers'])).stdout, /^api\s+N\/A\s+50%\s+2\s+/);
    await api().registry.patchScale('replicasets.apps', 'default', 'api', 'merge-patch', { spec: { replicas: 5 } });
    // 50% of 5 rounds up to 3 unavailable: 2 desired, whatever the new pods' state.
    await budgetSays('api', { expectedPods: 5, desiredHealthy: 2 });
    assert.equal((await kubectl(['delete', 'pdb', 'api'])).code, 0);
  });

  it('answers a dry-run eviction 201 and changes nothing', async () => {
    const [pod] = live(await podsOf('web'));
    const name = pod?.metadata.name ?? '';
    const res = await evict(name, { dryRun: ['All'] });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    const queried = await api().request('POST', `/api/v1/namespaces/default/pods/${name}/eviction?dryRun=All`, { body: eviction(name) });
    assert.equal(queried.status, 201, queried.text);
    const v1beta1 = await api().request('POST', `/api/v1/namespaces/default/pods/${name}/eviction`, { body: eviction(name).replace('policy/v1', 'policy/v1beta1') });
    assert.equal(v1beta1.status, 400, 'a policy/v1beta1 body is refused (a documented deviation)');
    const after = await api().registry.get<Pod>('pods', 'default', name);
    assert.equal(after.metadata.deletionTimestamp, undefined);
    assert.equal(after.status?.conditions?.some((c) => c.type === 'DisruptionTarget'), false);
    const pdb = await getPdb('web');
    assert.equal(pdb.status?.disruptionsAllowed, 1);
    assert.equal(pdb.status?.disruptedPods, undefined);
  });

  it('evicts a pod the budget allows: 201, DisruptionTarget condition, graceful deletion, the budget spent', async () => {
    const [pod] = live(await podsOf('web'));
    const name = pod?.metadata.name ?? '';
    const res = await kubectl(['create', '--raw', `/api/v1/namespaces/default/pods/${name}/eviction`, '-f', '-'], eviction(name));
    assert.equal(res.code, 0, res.out);
    assert.deepEqual(JSON.parse(res.stdout), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    const evicted = await api().registry.get<Pod>('pods', 'default', name);
    assert.ok(evicted.metadata.deletionTimestamp, 'the pod is being deleted');
    const target = evicted.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    assert.deepEqual([target?.status, target?.reason, target?.message], ['True', 'EvictionByEvictionAPI', 'Eviction API: evicting']);
    const shown = await kubectl(['get', 'pod', name, '-o', 'jsonpath={.status.conditions[?(@.type=="DisruptionTarget")].reason}']);
    assert.equal(shown.out, 'EvictionByEvictionAPI');
    const pdb = await budgetSays('web', { currentHealthy: 2, disruptionsAllowed: 0 });
    assert.deepEqual(pdb.status?.conditions?.map((c) => [c.status, c.reason]), [['False', 'InsufficientPods']]);
  });

  it('refuses an eviction that would break the budget: 429 with the DisruptionBudget cause, kubectl shows it', async () => {
    const [pod] = live(await podsOf('web')).filter((p) => p.status?.phase === 'Running');
    const name = pod?.metadata.name ?? '';
    const res = await evict(name);
    assert.equal(res.status, 429, res.text);
    assert.equal(res.headers['retry-after'], undefined);
    const status = res.json();
    assert.deepEqual({ status: status.status, reason: status.reason, message: status.message, details: status.details, code: status.code }, {
      status: 'Failure', reason: 'TooManyRequests', message: "Cannot evict pod as it would violate the pod's disruption budget.", code: 429,
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }] },
    });
    const shown = await kubectl(['create', '--raw', `/api/v1/namespaces/default/pods/${name}/eviction`, '-f', '-'], eviction(name));
    assert.notEqual(shown.code, 0);
    assert.match(shown.out, /Error from server \(TooManyRequests\): Cannot evict pod as it would violate the pod's disruption budget\./);
    assert.equal((await api().registry.get<Pod>('pods', 'default', name)).metadata.deletionTimestamp, undefined);
  });

  it('allows the next eviction once the replacement is ready', async () => {
    await allReady('web', 3);
    await budgetSays('web', { currentHealthy: 3, disruptionsAllowed: 1 });
    const [pod] = live(await podsOf('web'));
    assert.equal((await evict(pod?.metadata.name ?? '')).status, 201);
  });

  it('evicts finished pods and pods no budget guards directly, even when a budget is spent', async () => {
    await budgetSays('web', { disruptionsAllowed: 0 });
    const [pod] = live(await podsOf('web')).filter((p) => p.status?.phase === 'Running');
    const name = pod?.metadata.name ?? '';
    await api().registry.guaranteedUpdate<Pod>('pods', 'default', name, (p) => ({ ...p, status: { ...p.status, phase: 'Succeeded', conditions: [{ type: 'Ready', status: 'False' }] } }), { subresource: 'status' });
    assert.equal((await evict(name)).status, 201);
    await api().registry.create('pods', 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo', labels: { app: 'solo' } }, spec: { containers: [{ name: 'c', image: 'pikube/busybox:latest' }] } });
    await runReady(await api().registry.get<Pod>('pods', 'default', 'solo'));
    assert.equal((await evict('solo')).status, 201);
  });

  it('answers 500 for a pod guarded by two budgets, as Kubernetes does', async () => {
    await kubectl(['create', 'pdb', 'web2', '--selector=app=web', '--max-unavailable=1']);
    const [pod] = live(await podsOf('web')).filter((p) => p.status?.phase === 'Running');
    const res = await evict(pod?.metadata.name ?? '');
    assert.equal(res.status, 500, res.text);
    assert.equal(res.json().message, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    assert.equal((await kubectl(['delete', 'pdb', 'web2'])).out, 'poddisruptionbudget.policy "web2" deleted');
  });

  it('refuses bad input: an eviction naming another pod (400), an invalid budget (422 with the field path, nothing written)', async () => {
    const res = await api().request('POST', '/api/v1/namespaces/default/pods/solo/eviction', { body: eviction('other') });
    assert.equal(res.status, 400);
    assert.equal(res.json().message, 'name in URL does not match name in Eviction object');
    const bad = await kubectl(['apply', '-f', '-'], 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: bad\nspec:\n  minAvailable: 150%\n  selector:\n    matchLabels:\n      app: web\n');
    assert.notEqual(bad.code, 0);
    assert.match(bad.out, /The PodDisruptionBudget "bad" is invalid: spec\.minAvailable: Invalid value: .*must not be greater than 100%/);
    await assert.rejects(getPdb('bad'), /not found/);
  });

  it('reports a spec change as a new generation, observed by the controller', async () => {
    const patched = await kubectl(['patch', 'pdb', 'web', '--type=merge', '-p', '{"spec":{"minAvailable":1}}']);
    assert.equal(patched.out, 'poddisruptionbudget.policy/web patched');
    await budgetSays('web', { observedGeneration: 2, desiredHealthy: 1 });
  });
});
