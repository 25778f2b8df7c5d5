import assert from 'node:assert/strict';
import type { PersistentVolumeClaim, Pod } from '../../../../api/core-v1';
import type { LimitRange, LimitRangeItem } from '../../../../api/policy-quota-v1';
import { aggregateMessage, applyLimitRangeDefaults, claimLimitViolations, podLimitViolations } from '../../../../control-plane/registry/limit-ranger';

const range = (...limits: LimitRangeItem[]): LimitRange => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr' }, spec: { limits } });
type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };
const aPod = (...containers: Resources[]): Pod =>
  ({ metadata: { name: 'p' }, spec: { containers: containers.map((resources, i) => ({ name: `c${i}`, image: 'i', resources })) } }) as Pod;

describe('LimitRanger', () => {
  const cases: { name: string; item: LimitRangeItem; pod: Pod; errors: string[] }[] = [
    { name: 'min on the request', item: { type: 'Container', min: { cpu: '100m' } }, pod: aPod({ requests: { cpu: '50m' } }),
      errors: ['minimum cpu usage per Container is 100m, but request is 50m'] },
    { name: 'min without a request', item: { type: 'Container', min: { memory: '64Mi' } }, pod: aPod({}),
      errors: ['minimum memory usage per Container is 64Mi.  No request is specified'] },
    { name: 'max without a limit', item: { type: 'Container', max: { cpu: '1' } }, pod: aPod({ requests: { cpu: '1' } }),
      errors: ['maximum cpu usage per Container is 1.  No limit is specified'] },
    { name: 'max on the limit', item: { type: 'Container', max: { cpu: '1' } }, pod: aPod({ requests: { cpu: '1' }, limits: { cpu: '1500m' } }),
      errors: ['maximum cpu usage per Container is 1, but limit is 1500m'] },
    { name: 'limit to request ratio', item: { type: 'Container', maxLimitRequestRatio: { cpu: '2' } }, pod: aPod({ requests: { cpu: '100m' }, limits: { cpu: '300m' } }),
      errors: ['cpu max limit to request ratio per Container is 2, but provided ratio is 3.000000'] },
    { name: 'ratio without a request', item: { type: 'Container', maxLimitRequestRatio: { cpu: '2' } }, pod: aPod({ limits: { cpu: '300m' } }),
      errors: ['cpu max limit to request ratio per Container is 2, but no request is specified or request is 0'] },
    { name: 'Pod max on the sum of the containers', item: { type: 'Pod', max: { memory: '1Gi' } },
      pod: aPod({ requests: { memory: '600Mi' }, limits: { memory: '600Mi' } }, { requests: { memory: '600Mi' }, limits: { memory: '600Mi' } }),
      errors: ['maximum memory usage per Pod is 1Gi, but limit is 1200Mi'] },
    { name: 'within every bound', item: { type: 'Container', min: { cpu: '100m' }, max: { cpu: '1' } }, pod: aPod({ requests: { cpu: '200m' }, limits: { cpu: '500m' } }), errors: [] },
  ];
  for (const c of cases) it(`checks ${c.name}`, () => assert.deepEqual(podLimitViolations(c.pod, range(c.item)), c.errors));

  it('checks a claim\'s storage request against min and max', () => {
    const claim = { metadata: { name: 'data' }, spec: { resources: { requests: { storage: '20Gi' } } } } as PersistentVolumeClaim;
    assert.deepEqual(claimLimitViolations(claim, range({ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Gi' } })),
      ['maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi']);
  });

  it('sets defaults only where a container has none, init containers named as such', () => {
    const pod = aPod({ requests: { cpu: '1' } });
    pod.spec.initContainers = [{ name: 'setup', image: 'i' }];
    applyLimitRangeDefaults(pod, range({ type: 'Container', default: { cpu: '2', memory: '1Gi' }, defaultRequest: { cpu: '500m', memory: '512Mi' } }));
    assert.deepEqual(pod.spec.containers[0]?.resources, { requests: { cpu: '1', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } });
    assert.equal(pod.metadata.annotations?.['kubernetes.io/limit-ranger'],
      'LimitRanger plugin set: memory request for container c0; cpu, memory limit for container c0; cpu, memory request for init container setup; cpu, memory limit for init container setup');
  });

  it('prints one error bare and several in brackets, without duplicates', () => {
    assert.equal(aggregateMessage(['a']), 'a');
    assert.equal(aggregateMessage(['a', 'b', 'a']), '[a, b]');
  });
});
