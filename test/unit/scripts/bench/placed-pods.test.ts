import assert from 'node:assert/strict';
import { placement } from '../../../../scripts/bench/placed-pods';

describe('placing a benchmark\'s pods', () => {
  for (const [nodes, first, total, expected] of [
    [['pi1', 'pi2', 'pi3'], 10, 100, { pi1: 10, pi2: 45, pi3: 45 }],
    [['pi1', 'pi2', 'pi3'], 10, 101, { pi1: 10, pi2: 46, pi3: 45 }],
    [['pi1', 'pi2'], 0, 3, { pi1: 0, pi2: 3 }],
    [['pi1'], 10, 10, { pi1: 10 }],
  ] as const) {
    it(`puts ${first} of ${total} on the first of ${nodes.length} nodes and spreads the rest`, () => {
      assert.deepEqual(placement(nodes, first, total), expected);
    });
  }

  it('refuses what cannot be placed', () => {
    assert.throws(() => placement(['pi1'], 10, 100), /one node cannot hold 10 of 100/);
    assert.throws(() => placement(['pi1', 'pi2'], 11, 10), /cannot place 11 of 10/);
    assert.throws(() => placement([], 0, 0), /on 0 nodes/);
  });
});
