import assert from 'node:assert/strict';
import type { Container, Pod } from '../../../api/core-v1';
import { podCpuMemory, podRequests } from '../../../api/pod-resources';

const req = (cpu?: string, memory?: string): Partial<Container> => ({ resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } } });
const pod = (containers: Partial<Container>[], inits: Partial<Container>[] = [], overhead?: Record<string, string>): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: {
    containers: containers.map((c, i) => ({ name: `c${i}`, image: 'x', ...c })),
    initContainers: inits.map((c, i) => ({ name: `i${i}`, image: 'x', ...c })),
    ...(overhead ? { overhead } : {}),
  },
});

describe('podRequests', () => {
  it('sums app containers in millicores and bytes', () => {
    assert.deepEqual(podCpuMemory(pod([req('250m', '64Mi'), req('0.5', '1Gi')])), { milliCPU: 750, memory: 64 * 2 ** 20 + 2 ** 30 });
  });

  it('takes the largest init container when it exceeds the sum', () => {
    assert.deepEqual(podCpuMemory(pod([req('100m', '10Mi')], [req('2', '5Mi'), req('1', '1Mi')])), { milliCPU: 2000, memory: 10 * 2 ** 20 });
  });

  it('adds restartable init containers to the sum and to later init containers', () => {
    const sidecar = { ...req('200m'), restartPolicy: 'Always' as const };
    assert.equal(podRequests(pod([req('100m')], [sidecar, req('250m')])).cpu, 450);
    assert.equal(podRequests(pod([req('100m')], [req('250m'), sidecar])).cpu, 300);
  });

  it('adds pod overhead', () => {
    assert.equal(podRequests(pod([req('100m')], [], { cpu: '50m' })).cpu, 150);
  });

  it('uses the scheduler defaults for missing requests when asked', () => {
    assert.deepEqual(podCpuMemory(pod([{}, req('1')]), { nonZero: true }), { milliCPU: 1100, memory: 2 * 200 * 2 ** 20 });
    assert.deepEqual(podCpuMemory(pod([{}])), { milliCPU: 0, memory: 0 });
  });
});
