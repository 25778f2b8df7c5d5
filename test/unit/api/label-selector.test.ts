import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ApiError } from '../../../api/errors';
import {
  formatLabelSelector,
  matchesLabels,
  parseLabelSelector,
  requiresExactMatch,
  selectorFromLabelSelector,
  selectorFromSet,
  type Requirement,
} from '../../../api/label-selector';

function badRequest(message: string) {
  return (err: unknown): boolean => err instanceof ApiError && err.code === 'BadRequest' && err.message === message;
}

describe('parseLabelSelector', () => {
  const valid: [string, string][] = [
    ['a=b', 'a=b'],
    ['a==b,c!=d', 'a==b,c!=d'],
    [' a = b ', 'a=b'],
    ['a=', 'a='],
    ['a', 'a'],
    ['!a', '!a'],
    ['a in (y,x)', 'a in (x,y)'],
    ['b notin (x)', 'b notin (x)'],
    ['x in (foo,,baz),y,z notin ()', 'x in (,baz,foo),y,z notin ()'],
    ['a in (,)', 'a in ()'],
    ['app in (in, notin)', 'app in (in,notin)'],
    ['z=1,a=2', 'a=2,z=1'],
    ['a>1,b<5', 'a>1,b<5'],
    ['example.com/app=web', 'example.com/app=web'],
    ['', ''],
  ];
  for (const [input, printed] of valid) it(`parses "${input}" and prints "${printed}"`, () => assert.equal(formatLabelSelector(parseLabelSelector(input)), printed));

  const invalid: [string, string][] = [
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a=b,', "found '', expected: identifier after ','"],
    ['a=b,,c', "found ',', expected: identifier after ','"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    ['a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['a in (x', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (x y)', "unable to parse requirement: found 'y', expected: ',' or ')'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a=>b', "unable to parse requirement: found '>', expected: identifier"],
    ['a>x', "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer"],
    [
      'x=a$b',
      'unable to parse requirement: values[0][x]: Invalid value: "a$b": a valid label must be an empty string or consist of alphanumeric characters, ' +
        "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', " +
        "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ],
    [
      'bad_-=1',
      'unable to parse requirement: <nil>: Invalid value: "bad_-": name part must consist of alphanumeric characters, ' +
        "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', " +
        "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ],
  ];
  for (const [input, message] of invalid) it(`rejects "${input}" with Kubernetes' message`, () => assert.throws(() => parseLabelSelector(input), badRequest(message)));

  it('treats keys named like Object.prototype members as plain keys', () => {
    assert.equal(formatLabelSelector(parseLabelSelector('constructor=toString')), 'constructor=toString');
    assert.equal(matchesLabels(parseLabelSelector('constructor'), {}), false);
  });

  it('rejects a key longer than 63 characters', () => {
    assert.throws(() => parseLabelSelector(`${'k'.repeat(64)}=v`), /name part must be no more than 63 characters/);
  });
});

describe('matchesLabels', () => {
  const labels = { app: 'web', tier: 'front', version: '3' };
  const cases: [string, boolean][] = [
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (web,db)', true],
    ['app notin (web)', false],
    ['missing notin (x)', true],
    ['missing in (x)', false],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['version>2', true],
    ['version<3', false],
    ['app>2', false],
    ['app=web,tier=back', false],
    ['', true],
  ];
  for (const [selector, expected] of cases) it(`"${selector}" ${expected ? 'matches' : 'does not match'}`, () => assert.equal(matchesLabels(parseLabelSelector(selector), labels), expected));

  it('treats missing labels as an empty map', () => {
    assert.equal(matchesLabels(parseLabelSelector('!a'), undefined), true);
    assert.equal(matchesLabels(parseLabelSelector('a'), undefined), false);
  });
});

describe('selectorFromLabelSelector', () => {
  it('combines matchLabels and matchExpressions, sorted by key', () => {
    const sel = selectorFromLabelSelector({
      matchLabels: { tier: 'front' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'app', operator: 'Exists' },
        { key: 'zone', operator: 'NotIn', values: ['b'] },
      ],
    });
    assert.equal(formatLabelSelector(sel), 'app,!canary,env in (dev,prod),tier=front,zone notin (b)');
    assert.equal(matchesLabels(sel, { app: 'x', env: 'prod', tier: 'front' }), true);
    assert.equal(matchesLabels(sel, { app: 'x', env: 'prod', tier: 'front', canary: 'y' }), false);
  });

  it('matches nothing for an absent selector and everything for an empty one', () => {
    assert.equal(matchesLabels(selectorFromLabelSelector(undefined), {}), false);
    assert.equal(matchesLabels(selectorFromLabelSelector({}), { any: 'thing' }), true);
  });

  it('rejects an unknown operator and empty In values', () => {
    assert.throws(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Gt' as 'In' }] }), badRequest('"Gt" is not a valid label selector operator'));
    assert.throws(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), /values set can't be empty/);
  });

  it('builds an equality selector from a set', () => {
    const sel = selectorFromSet({ b: '2', a: '1' });
    assert.equal(formatLabelSelector(sel), 'a=1,b=2');
    assert.equal(requiresExactMatch(sel, 'b'), '2');
    assert.equal(requiresExactMatch(parseLabelSelector('a in (x,y)'), 'a'), undefined);
  });
});

describe('label selector properties', () => {
  const key = fc.stringMatching(/^[a-z][a-z0-9]{0,7}(\.[a-z]{1,5}\/[a-z][a-z0-9]{0,5})?$/);
  const value = fc.stringMatching(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,6}[A-Za-z0-9])?)?$/);
  const nonEmpty = value.filter((v) => v.length > 0);
  const requirement: fc.Arbitrary<Requirement> = fc.oneof(
    fc.record({ key, operator: fc.constantFrom<'=' | '==' | '!='>('=', '==', '!='), values: value.map((v) => [v]) }),
    fc.record({ key, operator: fc.constantFrom<'in' | 'notin'>('in', 'notin'), values: fc.uniqueArray(nonEmpty, { minLength: 1, maxLength: 4 }).map((vs) => vs.sort()) }),
    fc.record({ key, operator: fc.constantFrom<'exists' | '!'>('exists', '!'), values: fc.constant([] as string[]) }),
    fc.record({ key, operator: fc.constantFrom<'gt' | 'lt'>('gt', 'lt'), values: fc.integer({ min: 0, max: 1000 }).map((n) => [String(n)]) }),
  ).map((r) => ({ ...r }));
  const selector = fc.array(requirement, { maxLength: 5 }).map((rs) => ({ requirements: [...rs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) }));

  it('parses what it prints back to the same requirements', () => {
    fc.assert(fc.property(selector, (sel) => assert.deepEqual(parseLabelSelector(formatLabelSelector(sel)), sel)));
  });

  it('prints a parsed selector stably', () => {
    fc.assert(fc.property(selector, (sel) => {
      const once = formatLabelSelector(parseLabelSelector(formatLabelSelector(sel)));
      return once === formatLabelSelector(parseLabelSelector(once));
    }));
  });
});
