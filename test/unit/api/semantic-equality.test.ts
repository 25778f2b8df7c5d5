import assert from 'node:assert/strict';
import { describeDifferences, semanticEqual } from '../../../api/semantic-equality';

describe('semanticEqual', () => {
  it('ignores key order and treats absent, null, [] and {} alike', () => {
    assert.equal(semanticEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }), true);
    assert.equal(semanticEqual({ a: [], b: {}, c: null }, {}), true);
  });

  it('tells different values apart', () => {
    assert.equal(semanticEqual({ a: [1, 2] }, { a: [2, 1] }), false);
    assert.equal(semanticEqual({ a: '1' }, { a: 1 }), false);
  });

  it('describes leaf differences by path', () => {
    assert.deepEqual(describeDifferences({ spec: { a: 1, b: [1] } }, { spec: { a: 2, b: [1] } }), ['- spec.a: 1\n+ spec.a: 2']);
  });
});
