import assert from 'node:assert/strict';
import { decideFencing, effectiveFencingPeriodMs, type FencingCheck, type FencingDecision } from '../../../../agent/fencing/fencing-plan';

describe('decideFencing', () => {
  const at = (silentMs: number, fenced = false): FencingCheck => ({ nowMs: 100_000, lastContactMs: 100_000 - silentMs, periodMs: 6000, fenced });
  const cases: [string, FencingCheck, FencingDecision][] = [
    ['just heard: look again in 250 ms', at(0), { fence: false, silentForMs: 0, nextCheckInMs: 250 }],
    ['silent 5.9 s: look again when the period ends', at(5900), { fence: false, silentForMs: 5900, nextCheckInMs: 100 }],
    ['silent exactly the period: fence', at(6000), { fence: true, silentForMs: 6000, nextCheckInMs: 250 }],
    ['silent longer: fence', at(30_000), { fence: true, silentForMs: 30_000, nextCheckInMs: 250 }],
    ['already fenced: not again', at(30_000, true), { fence: false, silentForMs: 30_000, nextCheckInMs: 250 }],
    ['a contact in the future (clock stepped back): not silent', { nowMs: 1000, lastContactMs: 5000, periodMs: 6000, fenced: false }, { fence: false, silentForMs: 0, nextCheckInMs: 250 }],
  ];
  for (const [what, input, want] of cases) it(what, () => assert.deepEqual(decideFencing(input), want));
});

describe('effectiveFencingPeriodMs', () => {
  const cases: [number, number | undefined, number][] = [[6000, undefined, 6000], [6000, 0, 6000], [6000, 4000, 4000], [6000, 20_000, 6000]];
  for (const [own, told, want] of cases) it(`own ${own}, told ${told} → ${want} (never later than the control plane assumes)`, () => assert.equal(effectiveFencingPeriodMs(own, told), want));
});
