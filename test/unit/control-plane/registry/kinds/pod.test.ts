import { strict as assert } from 'node:assert';
import type { Pod } from '../../../../../api/core-v1';
import { podStrategy } from '../../../../../control-plane/registry/kinds/pod';
import { PODS } from '../../../../../control-plane/registry/kinds';
import { Registry } from '../../../../../control-plane/registry/registry';
import { ensureDefaultNamespaces } from '../../../../../control-plane/apiserver/ensure-default-namespaces';
import { MemoryStore } from '../../../../../control-plane/store/memory-store';

const seconds = (pod: Pod): Record<string, number | undefined> => Object.fromEntries((pod.spec.tolerations ?? []).map((t) => [t.key ?? '', t.tolerationSeconds]));

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

  it('gives the not-ready and unreachable tolerations the seconds the registry is configured with (the control-plane flags)', async () => {
    const registry = new Registry({ store: new MemoryStore(), defaultTolerationSeconds: { notReady: 7, unreachable: 9 } });
    await ensureDefaultNamespaces(registry);
    const created = await registry.create<Pod>('pods', 'default', { ...aPod(), metadata: { name: 'web' } });
    assert.deepEqual(seconds(created), { 'node.kubernetes.io/not-ready': 7, 'node.kubernetes.io/unreachable': 9 });
  });

  it('keeps a tolerationSeconds the user set, and defaults to 2 s without configuration', async () => {
    const registry = new Registry({ store: new MemoryStore() });
    await ensureDefaultNamespaces(registry);
    const own = { key: 'node.kubernetes.io/unreachable', operator: 'Exists' as const, effect: 'NoExecute' as const, tolerationSeconds: 600 };
    const pod = aPod();
    const created = await registry.create<Pod>('pods', 'default', { ...pod, metadata: { name: 'web' }, spec: { ...pod.spec, tolerations: [own] } });
    assert.deepEqual(seconds(created), { 'node.kubernetes.io/not-ready': 2, 'node.kubernetes.io/unreachable': 600 });
  });
});
