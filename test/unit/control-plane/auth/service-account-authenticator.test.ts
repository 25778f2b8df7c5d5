import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { signingKeyFromPem } from '../../../../control-plane/auth/jwt';
import { keyIdOf } from '../../../../control-plane/auth/service-account-key';
import { serviceAccountTokenAuthenticator, type BoundObjectLookup, type ObjectLife } from '../../../../control-plane/auth/service-account-authenticator';
import { DEFAULT_ISSUER, ServiceAccountTokenIssuer, type TokenBinding } from '../../../../control-plane/auth/service-account-token';

const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const issuer = new ServiceAccountTokenIssuer(signingKeyFromPem(pem, keyIdOf(pem)));
const NOW = new Date('2026-12-07T12:00:00Z');

function request(authorization?: string): IncomingMessage {
  return { headers: authorization === undefined ? {} : { authorization }, socket: {} } as unknown as IncomingMessage;
}

function lookup(objects: Record<string, ObjectLife>): BoundObjectLookup {
  return {
    serviceAccount: (ns, name) => objects[`sa/${ns}/${name}`],
    pod: (ns, name) => objects[`pod/${ns}/${name}`],
    secret: (ns, name) => objects[`secret/${ns}/${name}`],
    node: (name) => objects[`node/${name}`],
  };
}

function tokenFor(binding: TokenBinding): string {
  return issuer.issue(binding, { audiences: [DEFAULT_ISSUER], expirationSeconds: 3600, now: NOW }).token;
}

describe('service-account token authenticator', () => {
  const bound: TokenBinding = { namespace: 'apps', serviceAccount: { name: 'robot', uid: 'sa-1' }, pod: { name: 'web', uid: 'pod-1' } };
  const live = { 'sa/apps/robot': { uid: 'sa-1' }, 'pod/apps/web': { uid: 'pod-1' } };

  it('authenticates a bearer token as system:serviceaccount:NS:NAME with the service-account groups', () => {
    const auth = serviceAccountTokenAuthenticator(issuer, lookup(live), () => NOW);
    assert.deepEqual(auth.authenticate(request(`Bearer ${tokenFor(bound)}`)), {
      name: 'system:serviceaccount:apps:robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:apps', 'system:authenticated'],
    });
  });

  const refusals: { name: string; objects: Record<string, ObjectLife>; at?: Date }[] = [
    { name: 'its ServiceAccount is gone', objects: { 'pod/apps/web': { uid: 'pod-1' } } },
    { name: 'its ServiceAccount was recreated (another uid)', objects: { ...live, 'sa/apps/robot': { uid: 'sa-2' } } },
    { name: 'its pod is gone', objects: { 'sa/apps/robot': { uid: 'sa-1' } } },
    { name: 'its pod was recreated under the same name', objects: { ...live, 'pod/apps/web': { uid: 'pod-2' } } },
    { name: 'its pod was deleted more than a minute ago', objects: { ...live, 'pod/apps/web': { uid: 'pod-1', deletionTimestamp: '2026-12-07T11:58:59Z' } } },
  ];
  for (const c of refusals) {
    it(`refuses a bound token once ${c.name}`, () => {
      assert.equal(serviceAccountTokenAuthenticator(issuer, lookup(c.objects), () => NOW).authenticate(request(`Bearer ${tokenFor(bound)}`)), undefined);
    });
  }

  it('still accepts the token of a pod deleted within the last minute (graceful termination)', () => {
    const objects = { ...live, 'pod/apps/web': { uid: 'pod-1', deletionTimestamp: '2026-12-07T11:59:30Z' } };
    assert.ok(serviceAccountTokenAuthenticator(issuer, lookup(objects), () => NOW).authenticate(request(`Bearer ${tokenFor(bound)}`)));
  });

  it('leaves other credentials to other authenticators', () => {
    const auth = serviceAccountTokenAuthenticator(issuer, lookup(live), () => NOW);
    for (const header of [undefined, 'Basic dXNlcjpwdw==', 'Bearer static-token-from-a-file', 'Bearer ', 'Bearer a.b.c']) assert.equal(auth.authenticate(request(header)), undefined);
  });
});
