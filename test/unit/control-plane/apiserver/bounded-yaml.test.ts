import { strict as assert } from 'node:assert';
import { MAX_YAML_NODES, parseBoundedYaml, YamlBodyError } from '../../../../control-plane/apiserver/bounded-yaml';
import { parseYamlBody } from '../../../../control-plane/apiserver/request-body';

/** A 9-level "billion laughs" (342 bytes) whose aliases would expand to 9^9 strings. */
const BILLION_LAUGHS = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
  '',
].join('\n');

describe('bounded YAML parsing', () => {
  it('converts the first document only, with YAML 1.2 core scalars', () => {
    assert.deepEqual(parseBoundedYaml('a: 1\nb: yes\nc: "2"\nd: ~\n---\nnot: [parsed\n').value, { a: 1, b: 'yes', c: '2', d: null });
    assert.equal(parseBoundedYaml('').value, null);
  });

  it('refuses a billion-laughs body at once', () => {
    const started = Date.now();
    assert.throws(() => parseBoundedYaml(BILLION_LAUGHS), /^YamlBodyError: yaml: document contains excessive aliasing$/);
    assert.ok(Date.now() - started < 100, `took ${Date.now() - started} ms`);
  });

  it('still resolves a few aliases', () => {
    assert.deepEqual(parseBoundedYaml('a: &x {k: v}\nb: *x\n').value, { a: { k: 'v' }, b: { k: 'v' } });
  });

  it('refuses deep flow nesting before parsing, and deep block nesting after', () => {
    let started = Date.now();
    assert.throws(() => parseBoundedYaml('['.repeat(3 * 1024 * 1024)), /exceeded max depth of 512/);
    assert.ok(Date.now() - started < 500);
    const block = Array.from({ length: 600 }, (_, i) => `${' '.repeat(i)}- `).join('\n') + 'x\n';
    started = Date.now();
    assert.throws(() => parseBoundedYaml(block), YamlBodyError);
  });

  it('bounds the number of nodes', () => {
    assert.throws(() => parseBoundedYaml(`[${"1,".repeat(1000)}1]`, 1000), /more than 1000 nodes/);
    assert.ok(MAX_YAML_NODES >= 50_000);
  });

  it('refuses a body of countless tiny nodes by its lexer tokens, before parsing', () => {
    const started = Date.now();
    assert.throws(() => parseBoundedYaml(`[${'1,'.repeat(1_500_000)}1]`), /^YamlBodyError: yaml: document has more than 200000 tokens$/);
    assert.ok(Date.now() - started < 1_000, `took ${Date.now() - started} ms`);
  });

  it('names the line of a syntax error, as sigs.k8s.io/yaml does', () => {
    assert.throws(() => parseYamlBody(Buffer.from('apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   bad: [\n')), /^ApiError: error converting YAML to JSON: yaml: line \d+: /);
  });

  it('keeps the last of duplicate keys and reports each in go-yaml\'s strict words', () => {
    const parsed = parseYamlBody(Buffer.from('metadata:\n  name: a\n  name: b\nkind: Pod\n'));
    assert.deepEqual(parsed.value, { metadata: { name: 'b' }, kind: 'Pod' });
    assert.deepEqual(parsed.strictErrors, ['error converting YAML to JSON: yaml: unmarshal errors:\n  line 3: key "name" already set in map']);
  });
});
