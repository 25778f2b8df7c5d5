import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { JsonDepthError, parseBoundedJson } from '../../../../control-plane/apiserver/bounded-json';
import { parseJsonBody } from '../../../../control-plane/apiserver/request-body';
import { MAX_NESTING_DEPTH } from '../../../../control-plane/apiserver/schema/typed-decoder';

describe('bounded JSON parsing', () => {
  it('reports duplicate keys by path, last one winning as in encoding/json', () => {
    const parsed = parseBoundedJson('{"metadata":{"name":"a","name":"b"},"spec":{"containers":[{"name":"x"},{"name":"y","name":"z"}]},"a\\"b":1,"a\\"b":2}');
    assert.deepEqual(parsed.duplicates, ['metadata.name', 'spec.containers[1].name', 'a"b']);
    assert.deepEqual(parsed.value, { metadata: { name: 'b' }, spec: { containers: [{ name: 'x' }, { name: 'z' }] }, 'a"b': 2 });
  });

  it('does not mistake strings holding brackets, quotes or colons for structure', () => {
    const parsed = parseBoundedJson('{"a":"{[\\"x\\":1,","b":["a","a"],"c":{"a":1},"d":{"a":1}}');
    assert.deepEqual(parsed.duplicates, []);
  });

  it('refuses nesting past the bound before building anything, in milliseconds', () => {
    const started = Date.now();
    assert.throws(() => parseBoundedJson('['.repeat(3 * 1024 * 1024)), JsonDepthError);
    assert.ok(Date.now() - started < 500);
    assert.doesNotThrow(() => parseBoundedJson('['.repeat(MAX_NESTING_DEPTH) + ']'.repeat(MAX_NESTING_DEPTH)));
    assert.throws(() => parseBoundedJson('{"a":'.repeat(MAX_NESTING_DEPTH + 1) + '1' + '}'.repeat(MAX_NESTING_DEPTH + 1)), /exceeded max depth/);
  });

  it('words failures as the apiserver\'s decoder does, with duplicates as strict errors', () => {
    assert.throws(() => parseJsonBody(Buffer.from('{"a":')), /^ApiError: couldn't get version\/kind; json parse error: /);
    assert.throws(() => parseJsonBody(Buffer.from('['.repeat(10_000))), /couldn't get version\/kind; json parse error: exceeded max depth of 512/);
    assert.deepEqual(parseJsonBody(Buffer.from('{"a":1,"a":2}')).strictErrors, ['duplicate field "a"']);
  });

  it('agrees with JSON.parse on any JSON text, and finds no duplicates in JSON.stringify output (property)', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
      const text = JSON.stringify(value);
      const parsed = parseBoundedJson(text);
      assert.deepEqual(parsed.value, JSON.parse(text));
      assert.deepEqual(parsed.duplicates, []);
    }), { numRuns: 300 });
  });
});
