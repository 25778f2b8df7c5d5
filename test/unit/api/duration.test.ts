import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from '../../../api/duration';

describe('parseDuration', () => {
  const cases: [string, number][] = [['5s', 5000], ['1m30s', 90_000], ['500ms', 500], ['2h', 7_200_000], ['0', 0], ['1.5s', 1500]];
  for (const [text, ms] of cases) it(`reads "${text}" as ${ms} ms`, () => assert.equal(parseDuration(text), ms));
  for (const bad of ['', '5', 's', '5x', '5s junk', '-1s']) {
    it(`rejects "${bad}"`, () => assert.throws(() => parseDuration(bad), /invalid duration/));
  }
});

describe('formatDuration (Go time.Duration.String)', () => {
  const cases: [number, string][] = [[0, '0s'], [500, '500ms'], [15_000, '15s'], [15_012, '15.012s'], [15_100, '15.1s'], [61_500, '1m1.5s'], [7_200_000, '2h0m0s'], [3_723_004, '1h2m3.004s']];
  for (const [ms, text] of cases) it(`spells ${ms} ms as ${text}`, () => assert.equal(formatDuration(ms), text));
});
