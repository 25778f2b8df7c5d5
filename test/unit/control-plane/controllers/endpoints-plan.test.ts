import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import type { Endpoints, Service } from '../../../../api/service-v1';
import { planEndpoints } from '../../../../control-plane/controllers/endpoints-plan';
import { aPod, aService } from './fixtures';

function endpointsOf(svc: Service, pods: Pod[]): Endpoints {
  const action = planEndpoints(svc, pods, undefined);
  assert.equal(action.op, 'create');
  return { ...(action.op === 'create' ? action.endpoints : ({} as Endpoints)), metadata: { name: svc.metadata.name, namespace: 'default', resourceVersion: '7', labels: {} } };
}

describe('endpoints plan', () => {
  const web = aService('web');
  const ready = aPod('a', { app: 'web', ip: '10.42.0.5' });
  const cases: { name: string; svc?: Service; pods: Pod[]; current?: Endpoints; want: string; check?: (e: Endpoints) => void }[] = [
    { name: 'a new selector service gets Endpoints listing its ready pod', svc: web, pods: [ready], want: 'create',
      check: (e) => assert.deepEqual(e.subsets?.[0]?.addresses?.map((a) => a.ip), ['10.42.0.5']) },
    { name: 'a not-ready pod is listed under notReadyAddresses', svc: web, pods: [aPod('b', { ready: false, ip: '10.42.0.6' })], want: 'create',
      check: (e) => assert.deepEqual(e.subsets?.[0]?.notReadyAddresses?.map((a) => a.ip), ['10.42.0.6']) },
    { name: 'pods the selector does not match are left out', svc: web, pods: [aPod('x', { app: 'other' })], want: 'create', check: (e) => assert.equal(e.subsets, undefined) },
    { name: 'unchanged Endpoints are not written', svc: web, pods: [ready], current: endpointsOf(web, [ready]), want: 'none' },
    { name: 'a changed pod set rewrites them with the resourceVersion read', svc: web, pods: [ready, aPod('c', { ip: '10.42.0.7' })], current: endpointsOf(web, [ready]), want: 'update',
      check: (e) => assert.equal(e.metadata.resourceVersion, '7') },
    { name: 'a selectorless service keeps user-written Endpoints', svc: aService('manual', {}), pods: [ready], current: endpointsOf(web, []), want: 'none' },
    { name: 'a deleted service\'s Endpoints go', pods: [], current: endpointsOf(web, [ready]), want: 'delete' },
    { name: 'a deleted service without Endpoints needs nothing', pods: [], want: 'none' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const action = planEndpoints(c.svc, c.pods, c.current);
      assert.equal(action.op, c.want);
      if (c.check && action.op !== 'none') c.check(action.endpoints);
    });
  }
});
