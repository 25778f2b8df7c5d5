import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonEqual } from '../../../api/json-equal';
import { stableJson } from '../../../control-plane/registry/object-meta';

/** Few keys and few leaves, so that two values drawn at random are often equal, or nearly. */
const leaf = fc.constantFrom<unknown>(0, -0, 1, '1', '', true, false, null, undefined, NaN, Infinity, new Date(0), () => 1);
const value = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', '__proto__'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** The same value with every object's keys in reverse order. */
function reversedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversedKeys);
  if (v === null || typeof v !== 'object' || v instanceof Date) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v).reverse()) Object.defineProperty(out, k, { value: reversedKeys(x), enumerable: true, writable: true, configurable: true });
  return out;
}

describe('jsonEqual', () => {
  it('answers as comparing the sorted-key JSON of both values does', () => {
    fc.assert(fc.property(value, value, (a, b) => jsonEqual(a, b) === (stableJson(a) === stableJson(b))), { numRuns: 5000 });
  });

  it('holds a value equal to itself with its keys in another order', () => {
    fc.assert(fc.property(value, (a) => jsonEqual(a, reversedKeys(a))), { numRuns: 1000 });
  });

  it('leaves out undefined members and writes undefined items and non-finite numbers as null, as JSON does', () => {
    assert.equal(jsonEqual({ a: 1, b: undefined }, { a: 1 }), true);
    assert.equal(jsonEqual([undefined, NaN], [null, null]), true);
    assert.equal(jsonEqual({ a: null }, {}), false);
    assert.equal(jsonEqual({ t: new Date(0) }, { t: '1970-01-01T00:00:00.000Z' }), true);
  });

  it('tells apart a changed leaf, a reordered list and a number from its string', () => {
    assert.equal(jsonEqual({ spec: { a: [1, 2] } }, { spec: { a: [2, 1] } }), false);
    assert.equal(jsonEqual({ a: 1 }, { a: '1' }), false);
    assert.equal(jsonEqual({ metadata: { labels: { x: 'y' } } }, { metadata: { labels: { x: 'z' } } }), false);
  });
});
