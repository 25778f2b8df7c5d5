import { strict as assert } from 'node:assert';
import { ApiError } from '../../../../api/errors';
import { deleteOptionsFrom, listOptionsFrom, patchOptionsFrom, writeOptionsFrom } from '../../../../control-plane/apiserver/request-options';

const q = (s: string) => new URLSearchParams(s);

function failure(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
  }
  throw new Error('expected an ApiError');
}

describe('request options', () => {
  it('reads list selectors and paging', () => {
    assert.deepEqual(listOptionsFrom(q('labelSelector=a%3Db&fieldSelector=spec.nodeName%3Dpi1&limit=500&continue=xyz'), 'default'),
      { namespace: 'default', labelSelector: 'a=b', fieldSelector: 'spec.nodeName=pi1', limit: 500, continue: 'xyz' });
  });

  it('forbids resourceVersionMatch without a resourceVersion, as Kubernetes', () => {
    const err = failure(() => listOptionsFrom(q('resourceVersionMatch=NotOlderThan'), undefined));
    assert.equal(err.code, 'Invalid');
    assert.equal(err.causes[0].field, 'resourceVersionMatch');
    assert.doesNotThrow(() => listOptionsFrom(q('resourceVersionMatch=NotOlderThan&resourceVersion=5'), undefined));
  });

  it('accepts only dryRun=All', () => {
    assert.equal(writeOptionsFrom(q('dryRun=All'), 'CreateOptions').dryRun, true);
    assert.equal(writeOptionsFrom(q(''), 'CreateOptions').dryRun, false);
    assert.equal(failure(() => writeOptionsFrom(q('dryRun=Some'), 'CreateOptions')).code, 'Invalid');
  });

  it('allows force only on apply patches', () => {
    assert.equal(patchOptionsFrom(q('force=true&fieldManager=m'), true).force, true);
    assert.equal(failure(() => patchOptionsFrom(q('force=true'), false)).code, 'Invalid');
  });

  it('merges DeleteOptions from the query and the body, the body winning', () => {
    assert.deepEqual(deleteOptionsFrom(q('gracePeriodSeconds=5&propagationPolicy=Foreground'), { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid: 'u' } }),
      { dryRun: false, gracePeriodSeconds: 0, propagationPolicy: 'Foreground', preconditions: { uid: 'u' } });
    assert.equal(failure(() => deleteOptionsFrom(q('gracePeriodSeconds=soon'), undefined)).code, 'BadRequest');
  });

  it('reads the deprecated orphanDependents from the query and the body', () => {
    assert.equal(deleteOptionsFrom(q('orphanDependents=true'), undefined).orphanDependents, true);
    assert.equal(deleteOptionsFrom(q(''), { orphanDependents: false }).orphanDependents, false);
    assert.equal(deleteOptionsFrom(q(''), undefined).orphanDependents, undefined);
  });
});
