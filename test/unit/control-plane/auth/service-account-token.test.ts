import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signingKeyFromPem, signJwt, verifyJwt } from '../../../../control-plane/auth/jwt';
import { keyIdOf, loadOrCreateServiceAccountKey } from '../../../../control-plane/auth/service-account-key';
import { DEFAULT_ISSUER, ServiceAccountTokenIssuer, type TokenBinding } from '../../../../control-plane/auth/service-account-token';

function newKey(): ReturnType<typeof signingKeyFromPem> {
  const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return signingKeyFromPem(pem, keyIdOf(pem));
}

const NOW = new Date('2026-12-07T12:00:00Z');
const BINDING: TokenBinding = { namespace: 'apps', serviceAccount: { name: 'robot', uid: 'sa-1' }, pod: { name: 'web', uid: 'pod-1' }, node: { name: 'pi1', uid: 'node-1' } };

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

describe('service-account tokens', () => {
  const key = newKey();
  const issuer = new ServiceAccountTokenIssuer(key);

  it('carries Kubernetes claims: iss, aud, sub, iat = nbf, exp, jti and the kubernetes.io binding', () => {
    const { token, expiresAt } = issuer.issue(BINDING, { audiences: [DEFAULT_ISSUER], expirationSeconds: 3607, now: NOW });
    const claims = payloadOf(token);
    const iat = NOW.getTime() / 1000;
    assert.deepEqual({ ...claims, jti: typeof claims.jti }, {
      aud: [DEFAULT_ISSUER], exp: iat + 3607, iat, nbf: iat, iss: 'https://kubernetes.default.svc.cluster.local', jti: 'string',
      sub: 'system:serviceaccount:apps:robot',
      'kubernetes.io': { namespace: 'apps', node: { name: 'pi1', uid: 'node-1' }, pod: { name: 'web', uid: 'pod-1' }, serviceaccount: { name: 'robot', uid: 'sa-1' } },
    });
    assert.equal(expiresAt.getTime(), NOW.getTime() + 3607_000);
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as Record<string, unknown>;
    assert.deepEqual(header, { alg: 'ES256', kid: key.keyId });
  });

  it('reads back a token it signed, for the API audience and within its lifetime', () => {
    const { token } = issuer.issue(BINDING, { audiences: [DEFAULT_ISSUER], expirationSeconds: 600, now: NOW });
    const read = issuer.read(token, new Date(NOW.getTime() + 599_000));
    assert.deepEqual(read && { ns: read.namespace, sa: read.serviceAccount, pod: read.pod }, { ns: 'apps', sa: BINDING.serviceAccount, pod: BINDING.pod });
  });

  it('refuses expired tokens (past the one-minute leeway), other audiences, other keys and tampered ones', () => {
    const { token } = issuer.issue(BINDING, { audiences: [DEFAULT_ISSUER], expirationSeconds: 600, now: NOW });
    assert.equal(issuer.read(token, new Date(NOW.getTime() + 661_000)), undefined);
    const other = issuer.issue(BINDING, { audiences: ['vault'], expirationSeconds: 600, now: NOW }).token;
    assert.equal(issuer.read(other, NOW), undefined);
    assert.ok(issuer.read(other, NOW, ['vault']));
    assert.equal(new ServiceAccountTokenIssuer(newKey()).read(token, NOW), undefined);
    const [h, p, s] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...payloadOf(token), sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url');
    assert.equal(issuer.read(`${h}.${forged}.${s}`, NOW), undefined);
    assert.equal(issuer.read(`${h}.${p}.${s.slice(0, -2)}`, NOW), undefined);
  });

  it('never accepts alg none or garbage, whatever the claims say', () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: DEFAULT_ISSUER })).toString('base64url')}.`;
    for (const t of [none, 'a.b.c', '', '...', 'x'.repeat(20_000), 'eyJ.eyJ.AAAA']) assert.equal(verifyJwt(t, key.publicKey), undefined);
    const signed = signJwt({ iss: DEFAULT_ISSUER, sub: 'system:serviceaccount:a:b', exp: 9e9, iat: 0, aud: [DEFAULT_ISSUER] }, key);
    assert.equal(issuer.read(signed, NOW), undefined, 'no kubernetes.io claim: not a service-account token');
  });

  it('makes the signing key once, 0600, and reuses it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sa-key-'));
    try {
      const a = loadOrCreateServiceAccountKey(dir);
      const b = loadOrCreateServiceAccountKey(dir);
      assert.equal(a.keyId, b.keyId);
      assert.equal(statSync(path.join(dir, 'pki', 'sa.key')).mode & 0o777, 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
