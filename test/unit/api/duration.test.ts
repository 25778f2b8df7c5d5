import assert from 'node:assert/strict';
import { parseDuration } from '../../../api/duration';

describe('parseDuration', () => {
  const cases: [string, number][] = [['5s', 5000], ['1m30s', 90_000], ['500ms', 500], ['2h', 7_200_000], ['0', 0], ['1.5s', 1500]];
  for (const [text, ms] of cases) it(`reads "${text}" as ${ms} ms`, () => assert.equal(parseDuration(text), ms));
  for (const bad of ['', '5', 's', '5x', '5s junk', '-1s']) {
    it(`rejects "${bad}"`, () => assert.throws(() => parseDuration(bad), /invalid duration/));
  }
});
