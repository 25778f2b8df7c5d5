import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ApiError } from '../../../../../api/errors';
import {
  applyJsonPatch,
  decodePointerToken,
  encodePointerToken,
  JsonPatchApplyError,
} from '../../../../../control-plane/apiserver/patch/json-patch';
import { jsonObjectWithoutNulls } from './json-arbitraries';

describe('JSON patch (RFC 6902)', () => {
  // RFC 6902 appendix A, the examples that succeed.
  const applies: [string, unknown, unknown[], unknown][] = [
    ['adds an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
    ['adds an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
    ['removes an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    ['removes an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    ['replaces a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
    ['moves a value', { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } }],
    ['moves an array element', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
      { foo: ['all', 'cows', 'eat', 'grass'] }],
    ['tests a value and goes on', { baz: 'qux', foo: ['a', 2, 'c'] },
      [{ op: 'test', path: '/baz', value: 'qux' }, { op: 'test', path: '/foo/1', value: 2 }], { baz: 'qux', foo: ['a', 2, 'c'] }],
    ['adds a nested member object', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }],
      { foo: 'bar', child: { grandchild: {} } }],
    ['ignores unrecognized members of an operation', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }],
      { foo: 'bar', baz: 'qux' }],
    ['adds to a key with ~1 (/) in its name', { foo: 'bar' }, [{ op: 'add', path: '/a~1b', value: 1 }], { foo: 'bar', 'a/b': 1 }],
    ['tests a key with ~0 (~) in its name', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    ['adds an array value', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
    ['copies a value', { a: { b: [1] } }, [{ op: 'copy', from: '/a/b', path: '/c' }], { a: { b: [1] }, c: [1] }],
    ['appends with -, as a container arg', { args: ['a'] }, [{ op: 'add', path: '/args/-', value: 'b' }], { args: ['a', 'b'] }],
    ['replaces a missing member as the apiserver does', { a: {} }, [{ op: 'replace', path: '/a/b', value: 1 }], { a: { b: 1 } }],
    ['counts negative indices from the end', { a: [1, 2, 3] }, [{ op: 'remove', path: '/a/-1' }], { a: [1, 2] }],
    ['passes a test of a missing member against null', { a: {} }, [{ op: 'test', path: '/a/b', value: null }], { a: {} }],
    ['replaces the whole document', { a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }], { b: 2 }],
  ];
  for (const [name, doc, patch, expected] of applies) {
    it(name, () => assert.deepEqual(applyJsonPatch(doc, patch), expected));
  }

  it('replaces /spec/template and /metadata/annotations, as rollout undo does', () => {
    const deployment = { metadata: { annotations: { 'deployment.kubernetes.io/revision': '2' } }, spec: { template: { spec: { containers: [{ name: 'a', image: 'a:2' }] } } } };
    const patch = [
      { op: 'replace', path: '/spec/template', value: { spec: { containers: [{ name: 'a', image: 'a:1' }] } } },
      { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '1' } },
    ];
    assert.deepEqual(applyJsonPatch(deployment, patch), {
      metadata: { annotations: { 'deployment.kubernetes.io/revision': '1' } },
      spec: { template: { spec: { containers: [{ name: 'a', image: 'a:1' }] } } },
    });
  });

  // Operations that do not apply: 422 Invalid with the apiserver's fixed message.
  const failures: [string, unknown, unknown[], string][] = [
    ['a failed test', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }], 'testing value /baz failed: test failed'],
    ['a test of a different array', { foo: ['a'] }, [{ op: 'test', path: '/foo', value: ['b'] }], 'testing value /foo failed: test failed'],
    ['adding under a missing parent', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }],
      'add operation does not apply: doc is missing path: "/baz/bat": missing value'],
    ['removing a missing member', { a: {} }, [{ op: 'remove', path: '/a/b' }],
      "error in remove for path: '/a/b': Unable to remove nonexistent key: b: missing value"],
    ['adding past the end of an array', { a: [1] }, [{ op: 'add', path: '/a/5', value: 2 }],
      "error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced"],
    ['an index that is not a number', { a: [1] }, [{ op: 'add', path: '/a/x', value: 2 }],
      'error in add for path: \'/a/x\': value was not a proper array index: \'x\': strconv.Atoi: parsing "x": invalid syntax'],
    ['replacing past the end of an array', { a: [1] }, [{ op: 'replace', path: '/a/1', value: 2 }],
      'replace operation does not apply: doc is missing key: /a/1: missing value'],
    ['an unknown operation', {}, [{ op: 'frobnicate', path: '/a' }], 'Unexpected kind: frobnicate'],
    ['an operation without a path', {}, [{ op: 'remove' }], 'remove operation failed to decode path: missing value'],
    ['copying a missing value', {}, [{ op: 'copy', from: '/a', path: '/b' }], 'copy operation does not apply: doc is missing from path: /a: missing value'],
  ];
  for (const [name, doc, patch, detail] of failures) {
    it(`answers 422 for ${name}`, () => {
      assert.throws(() => applyJsonPatch(doc, patch), (err: unknown) =>
        err instanceof JsonPatchApplyError && err.code === 'Invalid' && err.httpStatus === 422 &&
        err.message === 'the server rejected our request due to an error in our request' && err.detail === detail);
    });
  }

  it('stops at the first failing operation and leaves the document untouched', () => {
    const doc = { a: 1 };
    assert.throws(() => applyJsonPatch(doc, [{ op: 'add', path: '/b', value: 2 }, { op: 'test', path: '/a', value: 2 }]));
    assert.deepEqual(doc, { a: 1 });
  });

  it('answers 400 with the decoder message for a body that is not a list', () => {
    assert.throws(() => applyJsonPatch({}, { op: 'add', path: '/a', value: 1 }), (err: unknown) =>
      err instanceof ApiError && err.code === 'BadRequest' && err.message === 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    assert.throws(() => applyJsonPatch({}, ['x']), (err: unknown) =>
      err instanceof ApiError && err.code === 'BadRequest' && err.message === 'json: cannot unmarshal string into Go value of type jsonpatch.Operation');
  });

  it('answers 413 beyond 10000 operations', () => {
    const patch = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/a', value: 1 }));
    assert.throws(() => applyJsonPatch({ a: 1 }, patch), (err: unknown) => err instanceof ApiError && err.code === 'TooLarge');
  });

  it('round-trips reference tokens through ~0 and ~1', () => {
    fc.assert(fc.property(fc.string(), (token) => assert.equal(decodePointerToken(encodePointerToken(token)), token)));
  });

  it('adds any member named by an escaped pointer and reads it back with test', () => {
    fc.assert(fc.property(jsonObjectWithoutNulls(), fc.string({ maxLength: 5 }), fc.integer(), (doc, name, value) => {
      const path = `/${encodePointerToken(name)}`;
      const patched = applyJsonPatch(doc, [{ op: 'add', path, value }, { op: 'test', path, value }]) as Record<string, unknown>;
      assert.equal(Object.getOwnPropertyDescriptor(patched, name)?.value, value);
    }));
  });
});
