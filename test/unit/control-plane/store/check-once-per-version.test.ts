import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../api/meta';
import { checkOncePerVersion } from '../../../../control-plane/store/check-once-per-version';

const anObject: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' } };

describe('checkOncePerVersion', () => {
  it('checks each version of a key once and a new version again', () => {
    const seen: string[] = [];
    const check = checkOncePerVersion((key, _o, revision) => void seen.push(`${key}@${revision}`));
    check('/pods/a', anObject, 5);
    check('/pods/a', anObject, 5);
    check('/pods/b', anObject, 5);
    check('/pods/a', anObject, 6);
    assert.deepEqual(seen, ['/pods/a@5', '/pods/b@5', '/pods/a@6']);
  });

  it('keeps refusing a version that failed, and checks every read without a revision', () => {
    let calls = 0;
    const check = checkOncePerVersion(() => (++calls, 'bad'));
    assert.equal(check('/pods/a', anObject, 5), 'bad');
    assert.equal(check('/pods/a', anObject, 5), 'bad');
    check('/pods/a', anObject);
    assert.equal(calls, 3);
  });

  it('forgets everything past maxKeys instead of growing', () => {
    let calls = 0;
    const check = checkOncePerVersion(() => void calls++, 2);
    for (const key of ['a', 'b', 'c', 'a']) check(key, anObject, 1);
    assert.equal(calls, 4);
  });
});
