import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ApiError } from '../../../../../api/errors';
import { applyJsonMergePatch, createJsonMergePatch, mergePatchValue } from '../../../../../control-plane/apiserver/patch/json-merge-patch';
import { jsonObjectWithoutNulls } from './json-arbitraries';

describe('JSON merge patch (RFC 7386)', () => {
  // The examples of RFC 7386 appendix A.
  const rfcExamples: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  rfcExamples.forEach(([target, patch, result], i) => {
    it(`applies RFC 7386 example ${i + 1}`, () => {
      assert.deepEqual(mergePatchValue(target, patch), result);
    });
  });

  it('deletes a label with null, as kubectl label k- sends', () => {
    const pod = { metadata: { name: 'p', labels: { app: 'web', tier: 'front' } } };
    const patched = applyJsonMergePatch(pod, { metadata: { labels: { tier: null } } });
    assert.deepEqual(patched, { metadata: { name: 'p', labels: { app: 'web' } } });
  });

  it('replaces lists whole, even containers', () => {
    const spec = { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] };
    const patched = applyJsonMergePatch(spec, { containers: [{ name: 'a', image: 'a:2' }] });
    assert.deepEqual(patched, { containers: [{ name: 'a', image: 'a:2' }] });
  });

  it('leaves its arguments untouched', () => {
    const original = { a: { b: 1 } };
    const patch = { a: { b: 2, c: [1] } };
    applyJsonMergePatch(original, patch);
    assert.deepEqual(original, { a: { b: 1 } });
    assert.deepEqual(patch, { a: { b: 2, c: [1] } });
  });

  it('keeps a member named __proto__ as data', () => {
    const patched = applyJsonMergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}'));
    assert.equal(Object.getPrototypeOf(patched), Object.prototype);
    assert.deepEqual(Object.keys(patched), ['__proto__']);
  });

  it('rejects a patch that is not an object with 400 Invalid JSON Patch', () => {
    for (const patch of [[1], 'x', null, 3]) {
      assert.throws(() => applyJsonMergePatch({}, patch), (err: unknown) =>
        err instanceof ApiError && err.code === 'BadRequest' && err.message === 'Invalid JSON Patch');
    }
  });

  it('leaves an object unchanged when the patch is {}', () => {
    fc.assert(fc.property(jsonObjectWithoutNulls(), (doc) => {
      assert.deepEqual(applyJsonMergePatch(doc, {}), doc);
    }));
  });

  it('reproduces the target when applying the patch computed from a diff', () => {
    fc.assert(fc.property(jsonObjectWithoutNulls(), jsonObjectWithoutNulls(), (original, modified) => {
      const patch = createJsonMergePatch(original, modified);
      assert.deepEqual(applyJsonMergePatch(original, patch), modified);
    }));
  });
});
