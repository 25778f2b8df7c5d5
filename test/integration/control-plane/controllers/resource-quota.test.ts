import { strict as assert } from 'node:assert';
import type { Pod } from '../../../../api/core-v1';
import type { ResourceQuota } from '../../../../api/policy-quota-v1';
import { deploymentController } from '../../../../control-plane/controllers/deployment-controller';
import { replicaSetController } from '../../../../control-plane/controllers/replica-set-controller';
import { resourceQuotaController } from '../../../../control-plane/controllers/resource-quota-controller';
import { until } from '../../../../scripts/cluster/wait-until';
import type { ApiServerFixture } from '../../../support/api-server-fixture';
import { withApiAndControllers } from '../../../support/controllers-fixture';

const IMAGE = 'pikube/busybox:latest';

describe('LimitRanges and ResourceQuotas through the real kubectl (real etcd, API server, controllers)', function () {
  this.timeout(90_000);
  const fixture = withApiAndControllers([resourceQuotaController, replicaSetController, deploymentController]);
  const api = (): ApiServerFixture => fixture.get().api;
  const kubectl = (args: string[], input?: string) => fixture.get().kubectl(args, input);
  const ok = (args: string[], input?: string) => fixture.get().ok(args, input);

  const quota = (ns: string, name: string): Promise<ResourceQuota> => api().registry.get<ResourceQuota>('resourcequotas', ns, name);
  /** The controller has counted the namespace: status.used says `used`. */
  async function quotaUses(ns: string, name: string, used: Record<string, string>): Promise<void> {
    await until(async () => JSON.stringify((await quota(ns, name)).status?.used) === JSON.stringify(used), {
      timeoutMs: 15_000, describe: async () => JSON.stringify((await quota(ns, name)).status),
    });
  }
  const podsIn = async (ns: string): Promise<Pod[]> => (await api().registry.list<Pod>('pods', { namespace: ns })).items;

  it('defaults containers from a LimitRange, refuses the third pod of a 2-pod quota, and prints get/describe quota as kubectl 1.32', async () => {
    await ok(['create', 'namespace', 'team']);
    await ok(['apply', '-n', 'team', '-f', '-'], `apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 128Mi}
    defaultRequest: {cpu: 100m, memory: 64Mi}
    max: {cpu: "1"}
`);
    await ok(['create', 'quota', 'q', '-n', 'team', '--hard=pods=2,cpu=1,limits.memory=1Gi']);
    await quotaUses('team', 'q', { cpu: '0', 'limits.memory': '0', pods: '0' });
    await ok(['run', 'a', '-n', 'team', `--image=${IMAGE}`]);
    await ok(['run', 'b', '-n', 'team', `--image=${IMAGE}`]);
    const third = await kubectl(['run', 'c', '-n', 'team', `--image=${IMAGE}`]);
    assert.notEqual(third.code, 0);
    assert.equal(third.out, 'Error from server (Forbidden): pods "c" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2');

    const pod = JSON.parse(await ok(['get', 'pod', 'a', '-n', 'team', '-o', 'json'])) as Pod;
    assert.deepEqual(pod.spec.containers[0]?.resources, { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m', memory: '64Mi' } });
    assert.equal(pod.metadata.annotations?.['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu, memory request for container a; cpu, memory limit for container a');

    const big = await kubectl(['run', 'big', '-n', 'team', `--image=${IMAGE}`, '--overrides', '{"spec":{"containers":[{"name":"big","image":"pikube/busybox:latest","resources":{"limits":{"cpu":"2"}}}]}}']);
    assert.match(big.out, /pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2/);

    await quotaUses('team', 'q', { cpu: '200m', 'limits.memory': '256Mi', pods: '2' });
    const table = await ok(['get', 'quota', '-n', 'team']);
    assert.match(table, /^NAME\s+AGE\s+REQUEST\s+LIMIT\n/);
    assert.match(table, /\nq\s+\S+\s+cpu: 200m\/1, pods: 2\/2\s+limits\.memory: 256Mi\/1Gi\n/);
    const described = await ok(['describe', 'quota', 'q', '-n', 'team']);
    assert.match(described, /Resource\s+Used\s+Hard\n-+\s+-+\s+-+\ncpu\s+200m\s+1\nlimits\.memory\s+256Mi\s+1Gi\npods\s+2\s+2\n/);
    const limits = await ok(['describe', 'limitrange', 'defaults', '-n', 'team']);
    assert.match(limits, /Container\s+cpu\s+-\s+1\s+100m\s+500m\s+-/);

    await ok(['delete', 'pod', 'a', '-n', 'team', '--grace-period=0', '--force']);
    await quotaUses('team', 'q', { cpu: '100m', 'limits.memory': '128Mi', pods: '1' });
    await ok(['run', 'c', '-n', 'team', `--image=${IMAGE}`]);
  });

  it('runs 2 of a Deployment of 3 under a 2-pod quota; its ReplicaSet records FailedCreate', async () => {
    await ok(['create', 'namespace', 'small']);
    await ok(['create', 'quota', 'q', '-n', 'small', '--hard=pods=2']);
    await quotaUses('small', 'q', { pods: '0' });
    await ok(['create', 'deployment', 'web', '-n', 'small', `--image=${IMAGE}`, '--replicas=3']);
    await until(async () => (await podsIn('small')).length === 2, { timeoutMs: 20_000, describe: async () => `${(await podsIn('small')).length} pods` });
    await until(async () => (await kubectl(['get', 'events', '-n', 'small'])).out.includes('FailedCreate'), { timeoutMs: 20_000 });
    const events = await ok(['get', 'events', '-n', 'small', '--field-selector', 'reason=FailedCreate', '-o', 'jsonpath={.items[*].message}']);
    assert.match(events, /Error creating: pods "web-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2/);
    assert.equal((await podsIn('small')).length, 2);
  });

  it('lets exactly one of several parallel kubectl runs take the last slot', async () => {
    await ok(['create', 'namespace', 'race']);
    await ok(['create', 'quota', 'q', '-n', 'race', '--hard=pods=1']);
    await quotaUses('race', 'q', { pods: '0' });
    const runs = await Promise.all(['r1', 'r2', 'r3', 'r4'].map((name) => kubectl(['run', name, '-n', 'race', `--image=${IMAGE}`])));
    assert.equal(runs.filter((r) => r.code === 0).length, 1, runs.map((r) => r.out).join('\n'));
    for (const refused of runs.filter((r) => r.code !== 0)) assert.match(refused.out, /exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1/);
    assert.equal((await podsIn('race')).length, 1);
  });

  it('refuses a pod without the compute a quota limits, and an invalid LimitRange with the apiserver message', async () => {
    await ok(['create', 'namespace', 'strict']);
    await ok(['create', 'quota', 'compute', '-n', 'strict', '--hard=limits.cpu=2']);
    await quotaUses('strict', 'compute', { 'limits.cpu': '0' });
    const refused = await kubectl(['run', 'x', '-n', 'strict', `--image=${IMAGE}`]);
    assert.equal(refused.out, 'Error from server (Forbidden): pods "x" is forbidden: failed quota: compute: must specify limits.cpu for: x');
    const invalid = await kubectl(['apply', '-n', 'strict', '-f', '-'], `apiVersion: v1
kind: LimitRange
metadata:
  name: bad
spec:
  limits:
  - type: Container
    min: {cpu: "2"}
    max: {cpu: "1"}
`);
    assert.match(invalid.out, /spec\.limits\[0\]\.min\[cpu\]: Invalid value: "2": min value 2 is greater than max value 1/);
  });
});
