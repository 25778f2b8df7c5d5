import { strict as assert } from 'node:assert';
import type { ReplicaSet } from '../../../../api/apps-v1';
import type { Pod } from '../../../../api/core-v1';
import { garbageCollectorController } from '../../../../control-plane/controllers/garbage-collector-controller';
import { replicaSetController } from '../../../../control-plane/controllers/replica-set-controller';
import { until } from '../../../../scripts/cluster/wait-until';
import type { ApiServerFixture } from '../../../support/api-server-fixture';
import { withApiAndControllers } from '../../../support/controllers-fixture';
import { tableRows } from '../../../support/kubectl-table';

/** A ReplicaSet manifest as the course notes write them. */
function rsYaml(name: string, { replicas = 3, selectorApp = name, templateApp = name } = {}): string {
  return `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: ${name}
  labels:
    app: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${selectorApp}
  template:
    metadata:
      labels:
        app: ${templateApp}
    spec:
      containers:
      - name: web
        image: pikube/busybox:latest
        imagePullPolicy: IfNotPresent
        command: ["httpd", "-f", "-p", "8080"]
`;
}

describe('ReplicaSets through the real kubectl (real etcd, API server, controllers)', function () {
  this.timeout(60_000);
  const fixture = withApiAndControllers([replicaSetController, garbageCollectorController]);
  const api = (): ApiServerFixture => fixture.get().api;
  const kubectl = (args: string[], input?: string) => fixture.get().kubectl(args, input);

  const podsOf = async (app: string): Promise<Pod[]> => (await api().registry.list<Pod>('pods', { namespace: 'default', labelSelector: `app=${app}` })).items;
  const getRs = (name: string): Promise<ReplicaSet> => api().registry.get<ReplicaSet>('replicasets.apps', 'default', name);

  async function converged(name: string, replicas: number): Promise<Pod[]> {
    await until(async () => (await podsOf(name)).length === replicas && (await getRs(name)).status?.replicas === replicas, {
      timeoutMs: 15_000, describe: async () => `${(await podsOf(name)).length} pods, status ${JSON.stringify((await getRs(name)).status)}`,
    });
    return podsOf(name);
  }

  it('applies a ReplicaSet, which makes its pods, and shows the get rs columns', async () => {
    const created = await kubectl(['apply', '-f', '-'], rsYaml('web'));
    assert.equal(created.out, 'replicaset.apps/web created');
    const pods = await converged('web', 3);
    const rs = await getRs('web');
    for (const pod of pods) assert.deepEqual(pod.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    const get = await kubectl(['get', 'rs']);
    assert.equal(get.code, 0, get.out);
    assert.deepEqual(tableRows(get.stdout).map((r) => r.slice(0, 4)), [['NAME', 'DESIRED', 'CURRENT', 'READY'], ['web', '3', '3', '0']]);
    const wide = await kubectl(['get', 'replicasets', 'web', '-o', 'wide']);
    assert.deepEqual(tableRows(wide.stdout)[0], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    assert.deepEqual(tableRows(wide.stdout)[1]?.slice(5), ['web', 'pikube/busybox:latest', 'app=web']);
    assert.equal((await kubectl(['apply', '-f', '-'], rsYaml('web'))).out, 'replicaset.apps/web unchanged');
  });

  it('is listed by get all and described with its pods\' events', async () => {
    const all = await kubectl(['get', 'all']);
    assert.match(all.stdout, /replicaset\.apps\/web\s+3\s+3\s+0/);
    const described = await kubectl(['describe', 'rs', 'web']);
    assert.equal(described.code, 0, described.out);
    assert.match(described.stdout, /Replicas:\s+3 current \/ 3 desired/);
    assert.match(described.stdout, /Normal\s+SuccessfulCreate\s+\S+\s+replicaset-controller\s+Created pod: web-/);
  });

  it('scales with kubectl scale, up and down, with and without a precondition', async () => {
    const up = await kubectl(['scale', 'rs/web', '--replicas=5']);
    assert.equal(up.out, 'replicaset.apps/web scaled');
    await converged('web', 5);
    assert.equal((await getRs('web')).status?.observedGeneration, 2);
    const down = await kubectl(['scale', 'replicaset', 'web', '--current-replicas=5', '--replicas=2']);
    assert.equal(down.out, 'replicaset.apps/web scaled');
    await converged('web', 2);
    const stale = await kubectl(['scale', 'rs/web', '--current-replicas=7', '--replicas=1']);
    assert.notEqual(stale.code, 0);
    assert.match(stale.out, /Expected replicas to be 7, was 2/);
    const scale = (await api().request('GET', '/apis/apps/v1/namespaces/default/replicasets/web/scale')).json();
    assert.deepEqual({ kind: scale.kind, apiVersion: scale.apiVersion, spec: scale.spec, status: scale.status }, { kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { replicas: 2, selector: 'app=web' } });
  });

  it('releases a pod relabelled out of it and makes a replacement', async () => {
    const [pod] = await converged('web', 2);
    const name = pod?.metadata.name ?? '';
    const labelled = await kubectl(['label', 'pod', name, 'app=debug', '--overwrite']);
    assert.equal(labelled.out, `pod/${name} labeled`);
    await until(async () => (await api().registry.get<Pod>('pods', 'default', name)).metadata.ownerReferences === undefined, { timeoutMs: 15_000 });
    const replacements = await converged('web', 2);
    assert.ok(!replacements.some((p) => p.metadata.name === name));
    const listed = await kubectl(['get', 'pods', '-l', 'app=web', '--no-headers']);
    assert.equal(tableRows(listed.stdout).length, 2, listed.out);
  });

  it('refuses invalid ReplicaSets with 422 and the field path, writing nothing', async () => {
    const mismatch = await kubectl(['apply', '-f', '-'], rsYaml('bad', { selectorApp: 'web', templateApp: 'other' }));
    assert.notEqual(mismatch.code, 0);
    assert.match(mismatch.out, /The ReplicaSet "bad" is invalid: spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/);
    const negative = await kubectl(['apply', '-f', '-'], rsYaml('bad', { replicas: -1 }));
    assert.match(negative.out, /The ReplicaSet "bad" is invalid: spec\.replicas: Invalid value: -1: must be greater than or equal to 0/);
    await assert.rejects(getRs('bad'), /not found/);
    const immutable = await kubectl(['apply', '-f', '-'], rsYaml('web', { selectorApp: 'web2', templateApp: 'web2' }));
    assert.match(immutable.out, /The ReplicaSet "web" is invalid: spec\.selector: Invalid value: .*field is immutable/);
    assert.deepEqual((await getRs('web')).spec.selector, { matchLabels: { app: 'web' } });
  });

  it('refuses a negative scale with 422 on spec.replicas, writing nothing', async () => {
    const before = await getRs('web');
    const res = await api().request('PUT', '/apis/apps/v1/namespaces/default/replicasets/web/scale', {
      body: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: -1 } },
    });
    assert.equal(res.status, 422, res.text);
    const status = res.json();
    assert.equal(status.message, 'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    assert.deepEqual(status.details.causes.map((c: { field: string }) => c.field), ['spec.replicas']);
    assert.equal((await getRs('web')).metadata.resourceVersion, before.metadata.resourceVersion);
    const patched = await api().request('PATCH', '/apis/apps/v1/namespaces/default/replicasets/web/scale', { body: '{"spec":{"replicas":-3}}', headers: { 'Content-Type': 'application/merge-patch+json' } });
    assert.equal(patched.status, 422, patched.text);
  });

  it('kubectl delete rs takes its pods with it (the garbage collector follows their controller references)', async () => {
    await kubectl(['apply', '-f', '-'], rsYaml('gone', { replicas: 2 }));
    await converged('gone', 2);
    assert.equal((await kubectl(['delete', 'rs', 'gone'])).out, 'replicaset.apps "gone" deleted');
    await until(async () => (await podsOf('gone')).length === 0, { timeoutMs: 15_000, describe: async () => `${(await podsOf('gone')).length} pods left` });
  });

  it('kubectl delete rs --cascade=orphan leaves its pods running, released', async () => {
    await kubectl(['apply', '-f', '-'], rsYaml('kept', { replicas: 2 }));
    await converged('kept', 2);
    assert.equal((await kubectl(['delete', 'rs', 'kept', '--cascade=orphan'])).out, 'replicaset.apps "kept" deleted');
    await until(async () => (await podsOf('kept')).every((p) => p.metadata.ownerReferences === undefined), { timeoutMs: 15_000 });
    assert.equal((await podsOf('kept')).length, 2);
    await assert.rejects(getRs('kept'), /not found/);
  });

  it('kubectl delete rs --cascade=foreground waits for its pods, which it does not replace meanwhile', async () => {
    await kubectl(['apply', '-f', '-'], rsYaml('fg', { replicas: 3 }));
    await converged('fg', 3);
    assert.equal((await kubectl(['delete', 'rs', 'fg', '--cascade=foreground'])).out, 'replicaset.apps "fg" deleted');
    await assert.rejects(getRs('fg'), /not found/);
    assert.equal((await podsOf('fg')).length, 0);
  });
});
