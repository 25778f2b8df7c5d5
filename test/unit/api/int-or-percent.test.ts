import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  getScaledValueFromIntOrPercent, goIntOrString, intOrPercentValue, isValidPercent, resolveFenceposts, type IntOrString,
} from '../../../api/int-or-percent';

describe('getScaledValueFromIntOrPercent', () => {
  // Cases of apimachinery's intstr TestGetIntFromIntOrPercent / TestGetScaledValueFromIntOrPercent.
  const cases: [IntOrString, number, boolean, number | string][] = [
    [123, 100, false, 123],
    ['90%', 100, false, 90],
    ['10%', 10, true, 1],
    ['25%', 10, true, 3],
    ['25%', 10, false, 2],
    ['33%', 3, false, 0],
    ['0%', 0, true, 0],
    ['%', 100, false, 'invalid value for IntOrString: invalid value "%": strconv.Atoi: parsing "": invalid syntax'],
    ['90#', 100, false, 'invalid value for IntOrString: invalid type: string is not a percentage'],
    ['#%', 100, false, 'invalid value for IntOrString: invalid value "#%": strconv.Atoi: parsing "#": invalid syntax'],
    ['90', 100, false, 'invalid value for IntOrString: invalid type: string is not a percentage'],
  ];
  for (const [input, total, roundUp, expected] of cases) {
    it(`scales ${JSON.stringify(input)} of ${total} (roundUp ${roundUp}) to ${expected}`, () => {
      const got = getScaledValueFromIntOrPercent(input, total, roundUp);
      assert.deepEqual(got, typeof expected === 'number' ? { ok: true, value: expected } : { ok: false, error: expected });
    });
  }

  it('refuses an unset value', () => {
    assert.deepEqual(getScaledValueFromIntOrPercent(undefined, 10, true), { ok: false, error: 'nil value for IntOrString' });
  });
});

describe('resolveFenceposts', () => {
  // The table of deployment_util_test.go TestResolveFenceposts.
  const cases: [IntOrString | undefined, IntOrString | undefined, number, [number, number] | 'error'][] = [
    ['0%', '0%', 0, [0, 1]],
    ['39%', '39%', 10, [4, 3]],
    ['oops', '39%', 10, 'error'],
    ['55%', 'urg', 10, 'error'],
    [undefined, '39%', 10, [0, 3]],
    ['39%', undefined, 10, [4, 0]],
    [undefined, undefined, 10, [0, 1]],
    ['25%', '25%', 3, [1, 0]],
    [1, 0, 3, [1, 0]],
    [0, '10%', 5, [0, 1]],
  ];
  for (const [surge, unavailable, desired, expected] of cases) {
    it(`resolves maxSurge ${String(surge)} / maxUnavailable ${String(unavailable)} of ${desired} to ${String(expected)}`, () => {
      const got = resolveFenceposts(surge, unavailable, desired);
      if (expected === 'error') assert.equal(got.ok, false);
      else assert.deepEqual(got, { ok: true, maxSurge: expected[0], maxUnavailable: expected[1] });
    });
  }
});

describe('percent helpers', () => {
  it('accepts only digits followed by %', () => {
    assert.deepEqual(isValidPercent('25%'), []);
    assert.deepEqual(isValidPercent('2.5%'), [
      "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    ]);
  });

  it('reads a percentage or an integer the way apps validation does', () => {
    assert.equal(intOrPercentValue('30%'), 30);
    assert.equal(intOrPercentValue(4), 4);
    assert.equal(intOrPercentValue('4'), 4);
    assert.equal(intOrPercentValue('x'), 0);
  });

  it('prints values as Go prints an intstr.IntOrString with %#v', () => {
    assert.equal(goIntOrString('150%'), 'intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}');
    assert.equal(goIntOrString(-1), 'intstr.IntOrString{Type:0, IntVal:-1, StrVal:""}');
  });
});

describe('resolveFenceposts properties', () => {
  it('never resolves both to 0, rounds surge up and unavailability down', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 1000 }), (s, u, desired) => {
      const got = resolveFenceposts(`${s}%`, `${u}%`, desired);
      assert.ok(got.ok);
      assert.ok(got.maxSurge + got.maxUnavailable > 0);
      assert.equal(got.maxSurge, Math.ceil((s * desired) / 100));
      if (got.maxSurge > 0 || Math.floor((u * desired) / 100) > 0) assert.equal(got.maxUnavailable, Math.floor((u * desired) / 100));
      assert.ok(got.maxUnavailable <= Math.max(desired, 1));
    }));
  });
});
