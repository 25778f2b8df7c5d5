import assert from 'node:assert/strict';
import type { ResourceQuota } from '../../../../api/policy-quota-v1';
import { quantitiesOf } from '../../../../api/resource-lists';
import { chargeQuota, planQuotaCharges } from '../../../../control-plane/registry/resource-quota-evaluation';

const quota = (name: string, hard: Record<string, string>, used?: Record<string, string>, scopes?: string[]): ResourceQuota =>
  ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name }, spec: { hard, scopes }, status: { hard, used } });
const pods = { resource: 'pods', group: '' };
const aPod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'app', image: 'i', resources: { requests: { cpu: '250m' } } }] } };

describe('ResourceQuota admission decisions', () => {
  it('concerns only quotas naming a resource of the kind, in name order', () => {
    const plan = planQuotaCharges([quota('b', { pods: '2' }, { pods: '0' }), quota('svc', { services: '1' }, { services: '0' }), quota('a', { 'requests.cpu': '1' }, { 'requests.cpu': '0' })], pods, aPod);
    assert.deepEqual('quotas' in plan && plan.quotas, ['a', 'b']);
  });

  it('refuses while the controller has not counted a restricted resource', () => {
    assert.deepEqual(planQuotaCharges([quota('q', { pods: '2', 'requests.cpu': '1' }, { pods: '0' })], pods, aPod),
      { refusal: 'status unknown for quota: q, resources: pods,requests.cpu' });
  });

  it('skips a scoped quota the pod is outside of, and never applies one to another kind', () => {
    const terminating = quota('t', { pods: '1', services: '1' }, { pods: '1', services: '1' }, ['Terminating']);
    const plan = planQuotaCharges([terminating], pods, aPod);
    assert.ok('quotas' in plan && plan.quotas.length === 0);
    const service = planQuotaCharges([terminating], { resource: 'services', group: '' }, { metadata: { name: 's' }, spec: {} });
    assert.ok('quotas' in service && service.quotas.length === 0);
  });

  it('names only the exceeded resources in the refusal', () => {
    const usage = quantitiesOf({ pods: '1', 'requests.cpu': '250m', cpu: '250m' });
    assert.deepEqual(chargeQuota(quota('q', { pods: '5', 'requests.cpu': '1' }, { pods: '1', 'requests.cpu': '900m' }), usage),
      { refusal: 'exceeded quota: q, requested: requests.cpu=250m, used: requests.cpu=900m, limited: requests.cpu=1' });
  });

  it('adds the usage the quota counts to what it used', () => {
    const outcome = chargeQuota(quota('q', { pods: '5', 'requests.memory': '1Gi' }, { pods: '1', 'requests.memory': '128Mi' }), quantitiesOf({ pods: '1', 'requests.memory': '64Mi', cpu: '1' }));
    assert.ok('used' in outcome);
    assert.deepEqual(Object.fromEntries([...outcome.used].map(([k, v]) => [k, v.toString()])), { pods: '2', 'requests.memory': '192Mi' });
  });
});
