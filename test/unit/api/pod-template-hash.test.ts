import assert from 'node:assert/strict';
import { canonicalJson, computePodTemplateHash, fnv32a, safeEncodeString } from '../../../api/pod-template-hash';
import { aTemplate } from './workload-builders';

describe('pod-template-hash', () => {
  // Published FNV-1a 32-bit test vectors.
  const vectors: [string, number][] = [['', 0x811c9dc5], ['a', 0xe40c292c], ['foobar', 0xbf9cf968]];
  for (const [input, expected] of vectors) {
    it(`hashes ${JSON.stringify(input)} with FNV-32a to ${expected.toString(16)}`, () => {
      assert.equal(fnv32a(0x811c9dc5, Buffer.from(input)), expected);
    });
  }

  it('encodes digits as rand.SafeEncodeString does', () => {
    assert.equal(safeEncodeString('0123456789'), '456789bcdf');
  });

  it('is stable, made of the safe alphabet, and ignores key order and empty fields', () => {
    const a = aTemplate();
    const b = { spec: { containers: [{ image: 'nginx:1.27', name: 'web', env: [] }], volumes: undefined }, metadata: { labels: { app: 'web' }, annotations: {} } };
    assert.equal(computePodTemplateHash(a), computePodTemplateHash(b));
    assert.match(computePodTemplateHash(a), /^[4-9bcdf]{1,10}$/);
    assert.equal(canonicalJson({ b: 1, a: { d: null, c: [] } }), '{"b":1}');
  });

  it('changes with the template and with the collision count', () => {
    const base = computePodTemplateHash(aTemplate());
    const other = aTemplate();
    other.spec.containers[0].image = 'nginx:1.28';
    assert.notEqual(computePodTemplateHash(other), base);
    assert.notEqual(computePodTemplateHash(aTemplate(), 1), base);
    assert.notEqual(computePodTemplateHash(aTemplate(), 1), computePodTemplateHash(aTemplate(), 2));
    assert.notEqual(computePodTemplateHash(aTemplate(), 0), base);
  });
});
