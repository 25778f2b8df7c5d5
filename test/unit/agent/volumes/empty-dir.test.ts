import assert from 'node:assert/strict';
import { memoryBackedSize } from '../../../../agent/volumes/empty-dir';
import { aPod } from '../pods/pod-builder';

const Mi = 1024 * 1024;

describe('memory-backed emptyDir size (the kubelet\'s calculateEmptyDirMemorySize)', () => {
  const limited = (...limits: (string | undefined)[]) => {
    let b = aPod('p');
    limits.forEach((memory, i) => { b = b.withContainer({ name: `c${i}`, resources: memory ? { limits: { memory } } : {} }); });
    return b.build();
  };
  const cases: { name: string; sizeLimit?: string; pod: ReturnType<typeof limited>; allocatable?: string; want: number | undefined }[] = [
    { name: 'sizeLimit below the pod limit wins', sizeLimit: '16Mi', pod: limited('64Mi'), allocatable: '1Gi', want: 16 * Mi },
    { name: 'the pod limit (sum of container limits) caps a larger sizeLimit', sizeLimit: '1Gi', pod: limited('64Mi', '32Mi'), allocatable: '2Gi', want: 96 * Mi },
    { name: 'without sizeLimit: the pod limit', pod: limited('64Mi'), allocatable: '1Gi', want: 64 * Mi },
    { name: 'a container without a limit: no pod limit, node allocatable', pod: limited('64Mi', undefined), allocatable: '900Mi', want: 900 * Mi },
    { name: 'BestEffort without sizeLimit: node allocatable', pod: limited(undefined), allocatable: '900Mi', want: 900 * Mi },
    { name: 'sizeLimit above node allocatable: allocatable', sizeLimit: '4Gi', pod: limited(undefined), allocatable: '1Gi', want: 1024 * Mi },
    { name: 'nothing known: the kernel default', pod: limited(undefined), want: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(memoryBackedSize({ medium: 'Memory', sizeLimit: c.sizeLimit }, c.pod, c.allocatable), c.want);
    });
  }

  it('refuses a malformed sizeLimit with the volume\'s quantity in the error', () => {
    const size = memoryBackedSize({ medium: 'Memory', sizeLimit: 'lots' }, limited('64Mi'), '1Gi');
    assert.ok(size instanceof Error);
    assert.match(size.message, /sizeLimit "lots"/);
  });
});
