import { strict as assert } from 'node:assert';
import { ApiError } from '../../../../api/errors';
import { deleteOptionsFrom, listOptionsFrom, managerFromUserAgent, patchOptionsFrom, writeOptionsFrom } from '../../../../control-plane/apiserver/request-options';

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
    assert.equal(writeOptionsFrom(q('dryRun=All'), 'CreateOptions', undefined).dryRun, true);
    assert.equal(writeOptionsFrom(q(''), 'CreateOptions', undefined).dryRun, false);
    assert.equal(failure(() => writeOptionsFrom(q('dryRun=Some'), 'CreateOptions', undefined)).code, 'Invalid');
  });

  it('allows force only on apply patches', () => {
    assert.equal(patchOptionsFrom(q('force=true&fieldManager=m'), true, undefined).force, true);
    assert.equal(failure(() => patchOptionsFrom(q('force=true'), false, undefined)).code, 'Invalid');
  });

  it('takes the field manager from fieldManager, else from the User-Agent\'s product (never for an apply)', () => {
    const kubectl = 'kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9';
    assert.equal(writeOptionsFrom(q('fieldManager=kubectl-create'), 'CreateOptions', kubectl).fieldManager, 'kubectl-create');
    assert.equal(writeOptionsFrom(q(''), 'UpdateOptions', kubectl).fieldManager, 'kubectl');
    assert.equal(patchOptionsFrom(q(''), false, 'kube-controller-manager/v1.32.0 (linux/arm64) kubernetes/x/system:serviceaccount:kube-system:deployment-controller').fieldManager, 'kube-controller-manager');
    assert.equal(patchOptionsFrom(q(''), true, kubectl).fieldManager, undefined);
    assert.equal(writeOptionsFrom(q(''), 'CreateOptions', undefined).fieldManager, '');
  });

  it('drops unprintable characters from a User-Agent\'s manager and cuts it at 128 bytes', () => {
    assert.equal(managerFromUserAgent('my\tclient\u0000/1.0'), 'myclient');
    assert.equal(managerFromUserAgent('\u00e9'.repeat(100)), '\u00e9'.repeat(64));
    assert.equal(managerFromUserAgent('no-slash at all'), 'no-slash at all');
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
