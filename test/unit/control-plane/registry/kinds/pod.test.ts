import { strict as assert } from 'node:assert';
import type { Pod } from '../../../../../api/core-v1';
import { podStrategy } from '../../../../../control-plane/registry/kinds/pod';
import { PODS } from '../../../../../control-plane/registry/kinds';

function aPod(): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u', resourceVersion: '3', creationTimestamp: '2025-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'c', image: 'busybox:1.36', resources: { limits: { cpu: '100m', memory: '64Mi' } } }] },
    status: { phase: 'Running', podIP: '10.42.0.5' },
  };
}

describe('pod strategy', () => {
  it('creates pods Pending with their QoS class, whatever status was sent', () => {
    const pod = aPod();
    podStrategy.prepareForCreate(pod, { now: new Date() });
    assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'Guaranteed' });
    assert.equal(pod.spec.restartPolicy, 'Always');
    assert.equal(pod.spec.terminationGracePeriodSeconds, 30);
  });

  it('ignores status written through the main resource', () => {
    const old = aPod();
    const next = aPod();
    next.status = { phase: 'Failed' };
    podStrategy.prepareForUpdate(next, old);
    assert.equal(next.status?.phase, 'Running');
  });

  it('keeps the spec of the stored pod on a status update', () => {
    const old = aPod();
    const next = aPod();
    next.spec.containers[0].image = 'busybox:evil';
    next.status = { phase: 'Succeeded' };
    const result = podStrategy.prepareForStatusUpdate(next, old) as Pod;
    assert.equal(result.spec.containers[0].image, 'busybox:1.36');
    assert.equal(result.status?.phase, 'Succeeded');
  });

  it('rejects a change to an immutable spec field with the field path', () => {
    const old = aPod();
    podStrategy.prepareForUpdate(old, aPod());
    const next = structuredClone(old);
    next.spec.restartPolicy = 'Never';
    const causes = podStrategy.validateUpdate(next, old, PODS);
    assert.ok(causes.some((c) => c.field === 'spec' && /pod updates may not change fields other than/.test(c.message ?? '')), JSON.stringify(causes));
  });
});
