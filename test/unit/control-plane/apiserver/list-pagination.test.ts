import { strict as assert } from 'node:assert';
import type { KubeObject } from '../../../../api/meta';
import { decodeContinue, encodeContinue, takePage } from '../../../../control-plane/apiserver/list-pagination';

const entries = ['a', 'b', 'c', 'd', 'e'].map((n) => ({ key: `/r/core/pods/default/${n}`, object: { metadata: { name: n } } as KubeObject }));

describe('list pagination', () => {
  it('cuts pages by limit and continues after the last key at the first revision', () => {
    const first = takePage(entries, 40, 2);
    assert.deepEqual(first.items.map((o) => o.metadata.name), ['a', 'b']);
    assert.equal(first.remainingItemCount, 3);
    const token = decodeContinue(first.continue ?? '');
    assert.deepEqual(token, { rv: 40, start: '/r/core/pods/default/b' });
    const second = takePage(entries, 55, 2, token);
    assert.deepEqual(second.items.map((o) => o.metadata.name), ['c', 'd']);
    assert.equal(second.resourceVersion, 40);
    const last = takePage(entries, 60, 2, decodeContinue(second.continue ?? ''));
    assert.deepEqual(last.items.map((o) => o.metadata.name), ['e']);
    assert.equal(last.continue, undefined);
  });

  it('returns everything without a limit', () => {
    assert.equal(takePage(entries, 1).items.length, 5);
  });

  it('rejects a malformed continue token with 400', () => {
    assert.throws(() => decodeContinue('not-a-token'), /continue key is not valid/);
    assert.throws(() => decodeContinue(Buffer.from('{"rv":1}').toString('base64url')), /continue key is not valid/);
    assert.deepEqual(decodeContinue(encodeContinue({ rv: 7, start: 'k' })), { rv: 7, start: 'k' });
  });
});
