import assert from 'node:assert/strict';
import { emptyDirEviction, limitedEmptyDirs } from '../../../../agent/pods/empty-dir-limit';
import { aPod } from './pod-builder';

describe('emptyDir sizeLimit eviction (the kubelet eviction manager)', () => {
  const pod = aPod('cache').withContainer({ name: 'app' }).build();
  pod.spec.volumes = [
    { name: 'scratch', emptyDir: { sizeLimit: '10Mi' } },
    { name: 'ram', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
    { name: 'free', emptyDir: {} },
    { name: 'zero', emptyDir: { sizeLimit: '0' } },
    { name: 'decimal', emptyDir: { sizeLimit: '1000k' } },
  ];

  it('measures only disk-backed emptyDirs with a positive limit, printed as Kubernetes prints it', () => {
    assert.deepEqual(limitedEmptyDirs(pod), [
      { volume: 'scratch', limit: '10Mi', limitBytes: 10 * 1024 * 1024 },
      { volume: 'decimal', limit: '1M', limitBytes: 1_000_000 },
    ]);
  });

  const cases: [string, Record<string, number>, string | undefined][] = [
    ['under every limit', { scratch: 1024, decimal: 999_999 }, undefined],
    ['exactly at the limit', { scratch: 10 * 1024 * 1024 }, undefined],
    ['one byte over', { scratch: 10 * 1024 * 1024 + 1 }, 'Usage of EmptyDir volume "scratch" exceeds the limit "10Mi". '],
    ['the second volume over', { scratch: 0, decimal: 2_000_000 }, 'Usage of EmptyDir volume "decimal" exceeds the limit "1M". '],
    ['nothing measured', {}, undefined],
  ];
  for (const [name, used, want] of cases) {
    it(`${name}: ${want ?? 'no eviction'}`, () => assert.equal(emptyDirEviction(limitedEmptyDirs(pod), (v) => used[v]), want));
  }
});
