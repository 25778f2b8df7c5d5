import assert from 'node:assert/strict';
import { isApiError } from '../../../../api/errors';
import { unionTokenAuthenticator, type TokenAuthenticator } from '../../../../control-plane/auth/authenticator';
import { reviewToken } from '../../../../control-plane/auth/token-review';

const API = 'https://kubernetes.default.svc.cluster.local';
/** A bound token good for the audiences it names; a static token good for the API's; a refused one. */
const bound: TokenAuthenticator = {
  authenticateToken: (t, auds = [API]) => (t === 'jwt' && auds.some((a) => ['vault', API].includes(a)) ? { user: { name: 'system:serviceaccount:team:robot', groups: ['system:serviceaccounts'] }, audiences: ['vault', API].filter((a) => auds.includes(a)) } : t === 'gone' ? { error: 'service account token has been invalidated' } : undefined),
};
const statics: TokenAuthenticator = { authenticateToken: (t) => (t === 'static' ? { user: { name: 'alice', uid: '42', groups: ['dev'] } } : undefined) };
const reviewer = { tokens: unionTokenAuthenticator([statics, bound]), apiAudiences: [API] };

describe('TokenReview', () => {
  it('answers who a token is, and for which audiences', () => {
    assert.deepEqual(reviewToken({ token: 'jwt' }, reviewer), { authenticated: true, user: { username: 'system:serviceaccount:team:robot', groups: ['system:serviceaccounts'] }, audiences: [API] });
    assert.deepEqual(reviewToken({ token: 'jwt', audiences: ['vault', 'other'] }, reviewer).audiences, ['vault']);
    assert.deepEqual(reviewToken({ token: 'static' }, reviewer), { authenticated: true, user: { username: 'alice', uid: '42', groups: ['dev'] }, audiences: [API] });
  });

  it('refuses in the status, not with an HTTP error: unknown, invalidated, or for another audience', () => {
    assert.deepEqual(reviewToken({ token: 'garbage' }, reviewer), { authenticated: false, error: 'invalid bearer token' });
    assert.deepEqual(reviewToken({ token: 'gone' }, reviewer), { authenticated: false, error: 'service account token has been invalidated' });
    assert.equal(reviewToken({ token: 'jwt', audiences: ['other'] }, reviewer).authenticated, false);
    assert.match(reviewToken({ token: 'static', audiences: ['vault'] }, reviewer).error ?? '', /is invalid for the target audiences \["vault"\]/);
  });

  it('needs a token (400) and a server that authenticates tokens', () => {
    assert.throws(() => reviewToken({}, reviewer), (err: unknown) => isApiError(err, 'BadRequest') && /token is required/.test(err.message));
    assert.throws(() => reviewToken({ token: 'jwt' }, undefined), (err: unknown) => isApiError(err, 'ServiceUnavailable'));
  });
});
