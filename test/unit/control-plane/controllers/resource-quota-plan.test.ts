import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import type { ResourceQuota } from '../../../../api/policy-quota-v1';
import type { QuotaSubject } from '../../../../api/quota-usage';
import { planQuotaStatus, statusBehindSpec, subjectsOf } from '../../../../control-plane/controllers/resource-quota-plan';

function aQuota(hard: Record<string, string>, extra: Partial<ResourceQuota['spec']> = {}, status?: ResourceQuota['status']): ResourceQuota {
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'ns' }, spec: { hard, ...extra }, status };
}

function aPod(name: string, cpu?: string, phase = 'Running', activeDeadlineSeconds?: number): Pod {
  const resources = cpu ? { requests: { cpu }, limits: { cpu } } : undefined;
  return { metadata: { name }, spec: { containers: [{ name: 'c', image: 'i', resources }], activeDeadlineSeconds }, status: { phase } } as Pod;
}

const objects = (byResource: Record<string, unknown[]>) => (s: QuotaSubject): unknown[] => byResource[s.group ? `${s.resource}.${s.group}` : s.resource] ?? [];

describe('resource-quota plan', () => {
  const cases: { name: string; quota: ResourceQuota; objs: Record<string, unknown[]>; used: Record<string, string> | undefined }[] = [
    { name: 'counts pods and their compute; terminal pods hold no compute but still count/pods',
      quota: aQuota({ pods: '5', 'requests.cpu': '2', 'count/pods': '9' }),
      objs: { pods: [aPod('a', '250m'), aPod('b', '500m'), aPod('done', '1', 'Succeeded')] },
      used: { 'count/pods': '3', pods: '2', 'requests.cpu': '750m' } },
    { name: 'reports 0 for a hard resource nothing uses',
      quota: aQuota({ services: '2', 'limits.memory': '1Gi' }), objs: {}, used: { 'limits.memory': '0', services: '0' } },
    { name: 'counts only the pods in the quota\'s scopes',
      quota: aQuota({ pods: '5' }, { scopes: ['Terminating'] }),
      objs: { pods: [aPod('a', undefined, 'Running', 30), aPod('b')] }, used: { pods: '1' } },
    { name: 'counts BestEffort pods under a BestEffort quota',
      quota: aQuota({ pods: '5' }, { scopes: ['BestEffort'] }), objs: { pods: [aPod('a'), aPod('b', '1')] }, used: { pods: '1' } },
    { name: 'counts other kinds under count/<resource>.<group>',
      quota: aQuota({ 'count/deployments.apps': '1' }), objs: { 'deployments.apps': [{}, {}] }, used: { 'count/deployments.apps': '2' } },
    { name: 'writes nothing when the stored status already says it',
      quota: aQuota({ pods: '2' }, {}, { hard: { pods: '2' }, used: { pods: '1' } }), objs: { pods: [aPod('a')] }, used: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const status = planQuotaStatus(c.quota, objects(c.objs));
      assert.deepEqual(status?.used, c.used);
      if (c.used) assert.deepEqual(status?.hard, c.quota.spec?.hard && Object.fromEntries(Object.entries(c.quota.spec.hard).sort()));
    });
  }

  it('lists the kinds a quota counts', () => {
    const subjects = subjectsOf(aQuota({ 'requests.cpu': '1', 'services.nodeports': '2', 'count/jobs.batch': '3', 'gold.storageclass.storage.k8s.io/requests.storage': '1Gi' }));
    assert.deepEqual(subjects.map((s) => `${s.resource}/${s.group}`), ['pods/', 'services/', 'persistentvolumeclaims/', 'jobs/batch']);
  });

  it('says a status is behind its spec until hard matches and every hard resource is used', () => {
    assert.equal(statusBehindSpec(aQuota({ pods: '2' })), true);
    assert.equal(statusBehindSpec(aQuota({ pods: '2' }, {}, { hard: { pods: '2' } })), true);
    assert.equal(statusBehindSpec(aQuota({ pods: '2' }, {}, { hard: { pods: '2' }, used: { pods: '0' } })), false);
    assert.equal(statusBehindSpec(aQuota({ pods: '3' }, {}, { hard: { pods: '2' }, used: { pods: '0' } })), true);
  });
});
