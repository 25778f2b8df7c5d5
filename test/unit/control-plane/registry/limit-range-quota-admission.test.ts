import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import { ApiError } from '../../../../api/errors';
import type { LimitRange, ResourceQuota } from '../../../../api/policy-quota-v1';
import { KINDS } from '../../../../control-plane/registry/kinds';
import { Registry } from '../../../../control-plane/registry/registry';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import { forbiddenMessage } from '../../../support/api-rejection';

function aPod(name: string, resources?: { requests?: Record<string, string>; limits?: Record<string, string> }): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'busybox', resources }] } } as Pod;
}


/** A quota whose status the controller has filled in (hard = spec.hard, used as given). */
async function aQuota(registry: Registry, name: string, hard: Record<string, string>, used: Record<string, string>): Promise<void> {
  await registry.create('resourcequotas', 'default', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name }, spec: { hard } });
  await registry.guaranteedUpdate<ResourceQuota>('resourcequotas', 'default', name, (q) => ({ ...q, status: { hard, used } }), { subresource: 'status' });
}

describe('LimitRanger and ResourceQuota admission (Registry over the memory store)', () => {
  let registry: Registry;
  beforeEach(async () => {
    registry = new Registry({ store: new MemoryStore() });
    await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  });

  it('gives containers the LimitRange defaults and says so in the kubernetes.io/limit-ranger annotation', async () => {
    await registry.create('limitranges', 'default', {
      apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr' },
      spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' } }] },
    });
    const stored = await registry.get<LimitRange>('limitranges', 'default', 'lr');
    assert.deepEqual(stored.spec.limits[0]?.defaultRequest, { cpu: '100m', memory: '256Mi' });
    const pod = await registry.create<Pod>('pods', 'default', aPod('web', { limits: { memory: '128Mi' } }));
    assert.deepEqual(pod.spec.containers[0]?.resources, { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
    assert.equal(pod.metadata.annotations?.['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu request for container app; cpu limit for container app');
  });

  it('refuses a pod outside the Container bounds with every broken bound', async () => {
    await registry.create('limitranges', 'default', {
      apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr' },
      spec: { limits: [{ type: 'Container', min: { cpu: '100m' }, max: { memory: '1Gi' } }] },
    });
    const message = await forbiddenMessage(registry.create('pods', 'default', aPod('small', { requests: { cpu: '50m' }, limits: { cpu: '50m', memory: '2Gi' } })));
    assert.equal(message, 'pods "small" is forbidden: [minimum cpu usage per Container is 100m, but request is 50m, maximum memory usage per Container is 1Gi, but limit is 2Gi]');
  });

  it('refuses the pod over a pods quota with the quota message, and charges the ones it admits', async () => {
    await aQuota(registry, 'q', { pods: '2' }, { pods: '0' });
    await registry.create('pods', 'default', aPod('a'));
    await registry.create('pods', 'default', aPod('b'));
    const message = await forbiddenMessage(registry.create('pods', 'default', aPod('c')));
    assert.equal(message, 'pods "c" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2');
    assert.deepEqual((await registry.get<ResourceQuota>('resourcequotas', 'default', 'q')).status?.used, { pods: '2' });
  });

  it('asks every container for the compute a quota limits', async () => {
    await aQuota(registry, 'compute', { 'limits.cpu': '2', 'requests.memory': '1Gi' }, { 'limits.cpu': '0', 'requests.memory': '0' });
    const message = await forbiddenMessage(registry.create('pods', 'default', aPod('x', { requests: { cpu: '100m' } })));
    assert.equal(message, 'pods "x" is forbidden: failed quota: compute: must specify limits.cpu for: app; requests.memory for: app');
  });

  it('lets exactly one of four parallel creates take the last slot', async () => {
    await aQuota(registry, 'q', { pods: '3', 'requests.cpu': '1' }, { pods: '2', 'requests.cpu': '0' });
    const results = await Promise.allSettled(['p1', 'p2', 'p3', 'p4'].map((name) => registry.create('pods', 'default', aPod(name, { requests: { cpu: '100m' } }))));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    assert.deepEqual((await registry.get<ResourceQuota>('resourcequotas', 'default', 'q')).status?.used, { pods: '3', 'requests.cpu': '100m' });
  });

  it('counts any kind under count/<resource>.<group>', async () => {
    await aQuota(registry, 'objects', { 'count/configmaps': '1' }, { 'count/configmaps': '1' });
    const message = await forbiddenMessage(registry.create('configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } }));
    assert.equal(message, 'configmaps "cm" is forbidden: exceeded quota: objects, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1');
  });

  it('admits pods as before in a registry that serves neither LimitRanges nor ResourceQuotas', async () => {
    const bare = new Registry({ store: new MemoryStore(), kinds: KINDS.filter((k) => k.resource !== 'limitranges' && k.resource !== 'resourcequotas') });
    await bare.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    const pod = await bare.create<Pod>('pods', 'default', aPod('web'));
    assert.equal(pod.metadata.name, 'web');
  });
});
