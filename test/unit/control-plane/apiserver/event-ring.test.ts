import assert from 'node:assert/strict';
import { EventRing } from '../../../../control-plane/apiserver/event-ring';

describe('EventRing', () => {
  it('keeps the newest items up to its capacity and returns what it evicts', () => {
    const ring = new EventRing<number>(3);
    assert.deepEqual([1, 2, 3].map((n) => ring.push(n)), [undefined, undefined, undefined]);
    assert.equal(ring.push(4), 1);
    assert.equal(ring.push(5), 2);
    assert.deepEqual(ring.since(() => true), [3, 4, 5]);
    assert.equal(ring.size, 3);
  });

  it('finds the items after a point by binary search over ordered items', () => {
    const ring = new EventRing<number>(5);
    for (let n = 1; n <= 8; n++) ring.push(n * 10);
    assert.deepEqual(ring.since((n) => n > 55), [60, 70, 80]);
    assert.deepEqual(ring.since((n) => n > 80), []);
    assert.deepEqual(ring.since((n) => n > 0), [40, 50, 60, 70, 80]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => new EventRing(0), RangeError);
  });
});
