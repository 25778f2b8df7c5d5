import assert from 'node:assert/strict';
import { DEFAULT_EVICTION_HARD, parseEvictionHard, thresholdBytes } from '../../../../agent/eviction/eviction-thresholds';

describe('--eviction-hard (the kubelet\'s hard thresholds)', () => {
  it('defaults to memory.available<100Mi, nodefs.available<10%, imagefs.available<15%', () => {
    assert.deepEqual(parseEvictionHard(DEFAULT_EVICTION_HARD), [
      { signal: 'memory.available', value: { bytes: 100 * 1024 * 1024 } },
      { signal: 'nodefs.available', value: { fraction: 0.1 } },
      { signal: 'imagefs.available', value: { fraction: 0.15 } },
    ]);
  });

  it('takes a subset (the others then have no threshold) and an empty value (none)', () => {
    assert.deepEqual(parseEvictionHard('memory.available<1.5Gi'), [{ signal: 'memory.available', value: { bytes: 1.5 * 1024 ** 3 } }]);
    assert.deepEqual(parseEvictionHard(''), []);
    assert.deepEqual(parseEvictionHard('nodefs.available<0%'), [{ signal: 'nodefs.available', value: { fraction: 0 } }]);
  });

  const bad: [string, RegExp][] = [
    ['memory.available>100Mi', /expected <signal><<quantity>/],
    ['memory.free<100Mi', /unsupported eviction signal memory.free/],
    ['nodefs.inodesFree<5%', /nodefs.inodesFree is not supported by pikube/],
    ['nodefs.available<-1%', /percentage must be in/],
    ['nodefs.available<150%', /percentage must be in/],
    ['memory.available<lots', /"lots" is not a non-negative quantity/],
    ['memory.available<-1Mi', /not a non-negative quantity/],
    ['memory.available<1Mi,memory.available<2Mi', /duplicate eviction threshold for signal memory.available/],
  ];
  for (const [text, error] of bad) {
    it(`refuses "${text}" with the statement named`, () => assert.throws(() => parseEvictionHard(text), error));
  }

  it('turns a percentage into bytes of the signal\'s capacity, rounded down', () => {
    assert.equal(thresholdBytes({ signal: 'nodefs.available', value: { fraction: 0.1 } }, 1005), 100);
    assert.equal(thresholdBytes({ signal: 'memory.available', value: { bytes: 7 } }, 1005), 7);
  });
});
