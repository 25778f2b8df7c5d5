import { strict as assert } from 'node:assert';
import { bootstrapTokenSecret, extraGroupsOf, isExpired, parseBootstrapToken } from '../../../api/bootstrap-token';
import { caCertHash, parseCaCertHash } from '../../../api/ca-cert-hash';
import { detachedSignature, verifyDetachedSignature } from '../../../api/detached-jws';
import { createCertificateAuthority } from '../../../control-plane/auth/pki';
import { bootstrapTokenUser } from '../../../control-plane/auth/bootstrap-token-authenticator';
import { planTokenCleanup } from '../../../control-plane/controllers/token-cleaner-plan';
import { createHash, X509Certificate } from 'node:crypto';

const TOKEN = { id: 'abcdef', secret: '0123456789abcdef' };
const NOW = new Date('2026-12-07T12:00:00Z');

describe('bootstrap tokens', () => {
  it('parses only <6>.<16> of [a-z0-9]', () => {
    assert.deepEqual(parseBootstrapToken('abcdef.0123456789abcdef'), TOKEN);
    for (const bad of ['ABCDEF.0123456789abcdef', 'abcdef.0123456789abcde', 'abcdef0123456789abcdef', 'abcde.0123456789abcdefg', ' abcdef.0123456789abcdef', 'eyJ.a.b']) {
      assert.equal(parseBootstrapToken(bad), undefined, bad);
    }
  });

  it('authenticates system:bootstrap:<id> in system:bootstrappers and its extra groups until it expires', () => {
    const secret = bootstrapTokenSecret({ token: TOKEN, expiration: new Date(NOW.getTime() + 60_000), usages: ['authentication'], extraGroups: ['system:bootstrappers:kubeadm:default-node-token'] });
    assert.deepEqual(bootstrapTokenUser(TOKEN, secret, NOW), {
      name: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:kubeadm:default-node-token', 'system:authenticated'],
    });
    assert.equal(bootstrapTokenUser(TOKEN, secret, new Date(NOW.getTime() + 60_000)), undefined, 'expired');
    assert.equal(bootstrapTokenUser({ ...TOKEN, secret: '0123456789abcdeX' }, secret, NOW), undefined, 'wrong secret');
    assert.equal(bootstrapTokenUser(TOKEN, undefined, NOW), undefined, 'deleted');
    const signingOnly = bootstrapTokenSecret({ token: TOKEN, usages: ['signing'], extraGroups: [] });
    assert.equal(bootstrapTokenUser(TOKEN, signingOnly, NOW), undefined, 'not for authentication');
  });

  it('refuses extra groups outside system:bootstrappers:', () => {
    const secret = bootstrapTokenSecret({ token: TOKEN, usages: ['authentication'], extraGroups: ['system:masters'] });
    assert.equal(extraGroupsOf(secret), undefined);
    assert.equal(bootstrapTokenUser(TOKEN, secret, NOW), undefined);
  });

  it('counts an unreadable expiration as expired, and none as forever', () => {
    const secret = bootstrapTokenSecret({ token: TOKEN, usages: ['authentication'], extraGroups: [] });
    assert.equal(isExpired(secret, NOW), false);
    secret.data = { ...secret.data, expiration: Buffer.from('tomorrow').toString('base64') };
    assert.equal(isExpired(secret, NOW), true);
  });

  it('has the token cleaner delete expired tokens and wait for the others', () => {
    const live = bootstrapTokenSecret({ token: TOKEN, expiration: new Date(NOW.getTime() + 90_000), usages: ['authentication'], extraGroups: [] });
    assert.deepEqual(planTokenCleanup(live, NOW), { op: 'wait', ms: 90_000 });
    assert.deepEqual(planTokenCleanup(live, new Date(NOW.getTime() + 90_000)), { op: 'delete' });
    const forever = bootstrapTokenSecret({ token: TOKEN, usages: ['authentication'], extraGroups: [] });
    assert.deepEqual(planTokenCleanup(forever, NOW), { op: 'none' });
    assert.deepEqual(planTokenCleanup({ ...live, type: 'Opaque' }, new Date(NOW.getTime() + 90_000)), { op: 'none' });
  });

  it('signs and verifies cluster-info with the token (detached HS256 JWS)', () => {
    const signature = detachedSignature('kubeconfig text', TOKEN);
    assert.match(signature, /^[\w-]+\.\.[\w-]+$/);
    assert.deepEqual(JSON.parse(Buffer.from(signature.split('.')[0] ?? '', 'base64url').toString()), { alg: 'HS256', kid: 'abcdef' });
    assert.equal(verifyDetachedSignature('kubeconfig text', signature, TOKEN), true);
    assert.equal(verifyDetachedSignature('kubeconfig text!', signature, TOKEN), false);
    assert.equal(verifyDetachedSignature('kubeconfig text', signature, { ...TOKEN, secret: 'ffffffffffffffff' }), false);
  });
});

describe('CA cert hash', () => {
  it('is the SHA-256 of the CA\'s SubjectPublicKeyInfo, as kubeadm prints it', function () {
    this.timeout(30_000); // two 2048-bit RSA keys
    const ca = createCertificateAuthority('test-ca');
    const spki = new X509Certificate(ca.certPem).publicKey.export({ type: 'spki', format: 'der' });
    assert.equal(caCertHash(ca.certPem), `sha256:${createHash('sha256').update(spki).digest('hex')}`);
    assert.notEqual(caCertHash(createCertificateAuthority('other').certPem), caCertHash(ca.certPem));
  });

  it('parses only sha256:<64 hex>', () => {
    assert.equal(parseCaCertHash(`SHA256:${'A'.repeat(64)}`), `sha256:${'a'.repeat(64)}`);
    assert.throws(() => parseCaCertHash('sha256:abc'), /must be sha256:<64 hex digits>/);
    assert.throws(() => parseCaCertHash(`md5:${'a'.repeat(64)}`), /must be sha256/);
  });
});
