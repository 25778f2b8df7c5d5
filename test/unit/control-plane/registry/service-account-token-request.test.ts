import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { TokenRequest } from '../../../../api/authentication-v1';
import { notFound } from '../../../../api/errors';
import type { KubeObject } from '../../../../api/meta';
import { signingKeyFromPem } from '../../../../control-plane/auth/jwt';
import { keyIdOf } from '../../../../control-plane/auth/service-account-key';
import { ServiceAccountTokenIssuer } from '../../../../control-plane/auth/service-account-token';
import { requestToken, type TokenRequestApi } from '../../../../control-plane/registry/service-account-token-request';

const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const issuer = new ServiceAccountTokenIssuer(signingKeyFromPem(pem, keyIdOf(pem)));
const NOW = new Date('2026-12-07T12:00:00Z');

const OBJECTS: Record<string, KubeObject> = {
  'serviceaccounts/apps/robot': { metadata: { name: 'robot', namespace: 'apps', uid: 'sa-1' } },
  'pods/apps/web': { metadata: { name: 'web', namespace: 'apps', uid: 'pod-1' }, spec: { serviceAccountName: 'robot', nodeName: 'pi1', containers: [] } },
  'pods/apps/other': { metadata: { name: 'other', namespace: 'apps', uid: 'pod-2' }, spec: { serviceAccountName: 'default', containers: [] } },
  'nodes//pi1': { metadata: { name: 'pi1', uid: 'node-1' } },
};

const api: TokenRequestApi = {
  get: <T extends KubeObject>(resource: string, ns: string | undefined, name: string) => {
    const found = OBJECTS[`${resource}/${ns ?? ''}/${name}`];
    return found ? Promise.resolve(found as T) : Promise.reject(notFound(resource, name));
  },
};

function ask(spec: TokenRequest['spec'], name = 'robot', dryRun = false): Promise<TokenRequest> {
  return requestToken(api, { namespace: 'apps', name, body: { metadata: {}, spec }, dryRun, now: () => NOW, tokenIssuer: issuer });
}

describe('TokenRequest', () => {
  it('defaults to an hour for the API audience and answers the token with its expiry', async () => {
    const out = await ask({ audiences: [] });
    assert.equal(out.spec.expirationSeconds, 3600);
    assert.deepEqual(out.spec.audiences, ['https://kubernetes.default.svc.cluster.local']);
    assert.equal(out.status?.expirationTimestamp, '2026-12-07T13:00:00Z');
    assert.equal(issuer.read(out.status?.token ?? '', NOW)?.serviceAccount.uid, 'sa-1');
  });

  it('binds to a pod running as the account, with the pod and its node in the token', async () => {
    const out = await ask({ audiences: [], boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'pod-1' } });
    const claims = issuer.read(out.status?.token ?? '', NOW);
    assert.deepEqual({ pod: claims?.pod, node: claims?.node }, { pod: { name: 'web', uid: 'pod-1' }, node: { name: 'pi1', uid: 'node-1' } });
  });

  const refusals: { name: string; spec: TokenRequest['spec']; account?: string; code: string; message: string }[] = [
    { name: 'under ten minutes', spec: { audiences: [], expirationSeconds: 60 }, code: 'Invalid', message: 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes' },
    { name: 'a missing account', spec: { audiences: [] }, account: 'ghost', code: 'NotFound', message: 'serviceaccounts "ghost" not found' },
    { name: 'a pod of another account', spec: { audiences: [], boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'other' } }, code: 'BadRequest', message: 'cannot bind token for serviceaccount "robot" to pod running with different serviceaccount name.' },
    { name: 'a recreated pod', spec: { audiences: [], boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'old' } }, code: 'Conflict', message: 'Operation cannot be fulfilled on Pod "web": the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated' },
    { name: 'an unsupported kind', spec: { audiences: [], boundObjectRef: { kind: 'ConfigMap', apiVersion: 'v1', name: 'x' } }, code: 'BadRequest', message: 'cannot bind token to object of type /v1, Kind=ConfigMap' },
  ];
  for (const r of refusals) {
    it(`refuses ${r.name}`, async () => {
      await assert.rejects(ask(r.spec, r.account), (err: Error & { code?: string }) => {
        assert.deepEqual({ code: err.code, message: err.message }, { code: r.code, message: r.message });
        return true;
      });
    });
  }

  it('signs nothing on a dry run, and is not served without a signer', async () => {
    assert.equal((await ask({ audiences: [] }, 'robot', true)).status, undefined);
    await assert.rejects(requestToken(api, { namespace: 'apps', name: 'robot', body: { metadata: {}, spec: { audiences: [] } }, dryRun: false, now: () => NOW }), /could not find the requested resource/);
  });
});
