import { strict as assert } from 'node:assert';
import { age, humanDuration } from '../../../../../control-plane/apiserver/tables/human-duration';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('human duration (apimachinery HumanDuration)', () => {
  const cases: [number, string][] = [
    [-2 * S, '<invalid>'], [-1.5 * S, '0s'], [-1 * S, '0s'], [0, '0s'], [1 * S, '1s'], [59 * S, '59s'], [119 * S, '119s'],
    [2 * M, '2m'], [2 * M + 1 * S, '2m1s'], [3 * M + 2 * S, '3m2s'], [9 * M + 59 * S, '9m59s'], [10 * M, '10m'],
    [10 * M + 30 * S, '10m'], [179 * M, '179m'], [3 * H, '3h'], [3 * H + 1 * M, '3h1m'], [7 * H + 59 * M, '7h59m'],
    [8 * H, '8h'], [47 * H, '47h'], [48 * H, '2d'], [2 * D + 3 * H, '2d3h'], [7 * D + 23 * H, '7d23h'], [8 * D, '8d'],
    [729 * D, '729d'], [730 * D, '2y'], [731 * D, '2y1d'], [8 * 365 * D - H, '7y364d'], [8 * 365 * D, '8y'], [20 * 365 * D, '20y'],
  ];
  for (const [ms, expected] of cases) {
    it(`formats ${ms} ms as ${expected}`, () => assert.equal(humanDuration(ms), expected));
  }

  it('measures an age from an RFC 3339 timestamp, <unknown> without one', () => {
    const now = new Date('2024-05-01T12:00:00Z');
    assert.equal(age('2024-05-01T11:57:00Z', now), '3m');
    assert.equal(age(undefined, now), '<unknown>');
    assert.equal(age('not a time', now), '<unknown>');
  });
});
