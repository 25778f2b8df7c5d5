import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { Node, Pod } from '../../../../api/core-v1';
import { notFound } from '../../../../api/errors';
import type { KubeObject } from '../../../../api/meta';
import type { ServiceAccount } from '../../../../api/service-account';
import { signingKeyFromPem } from '../../../../control-plane/auth/jwt';
import { keyIdOf } from '../../../../control-plane/auth/service-account-key';
import { ServiceAccountTokenIssuer } from '../../../../control-plane/auth/service-account-token';
import { podServiceAccountToken, type PodTokenServiceOptions } from '../../../../control-plane/nodes/pod-token-service';

const NOW = new Date('2026-12-07T12:00:00Z');
const POD = { metadata: { name: 'web', namespace: 'apps', uid: 'pod-1' }, spec: { nodeName: 'pi1', serviceAccountName: 'robot', containers: [] } } as unknown as Pod;
const ACCOUNT = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace: 'apps', uid: 'sa-1' } } as ServiceAccount;
const NODE = { metadata: { name: 'pi1', uid: 'node-1' } } as unknown as Node;

const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const issuer = new ServiceAccountTokenIssuer(signingKeyFromPem(pem, keyIdOf(pem)));

interface World {
  /** What the store holds, by `resource/namespace/name`. */
  stored: Map<string, KubeObject>;
  /** What the informers hold, by resource and cache key. */
  cached: { pods: Map<string, Pod>; serviceaccounts: Map<string, ServiceAccount>; nodes: Map<string, Node> };
}

function everywhere(): World {
  return {
    stored: new Map<string, KubeObject>([['pods/apps/web', POD], ['serviceaccounts/apps/robot', ACCOUNT], ['nodes//pi1', NODE]]),
    cached: { pods: new Map([['apps/web', POD]]), serviceaccounts: new Map([['apps/robot', ACCOUNT]]), nodes: new Map([['pi1', NODE]]) },
  };
}

function service(world: World): { options: PodTokenServiceOptions; storeReads: string[] } {
  const storeReads: string[] = [];
  const registry = {
    get: async <T extends KubeObject>(resource: unknown, ns: string | undefined, name: string): Promise<T> => {
      const key = `${String(resource)}/${ns ?? ''}/${name}`;
      storeReads.push(key);
      const found = world.stored.get(key);
      if (!found) throw notFound(String(resource), name);
      return found as T;
    },
  };
  const caches = { pods: world.cached.pods, serviceAccounts: world.cached.serviceaccounts, nodes: world.cached.nodes };
  return { options: { registry: registry as unknown as PodTokenServiceOptions['registry'], caches, tokenIssuer: issuer, caCertPem: '', now: () => NOW }, storeReads };
}

const ask = (over: Record<string, unknown> = {}) => ({
  pod: { namespace: 'apps', name: 'web', uid: 'pod-1' }, service_account_name: 'robot', audience: '', expiration_seconds: 3607, ...over,
});

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

describe('node service: service-account tokens for a node\'s pods', () => {
  it('signs a token bound to the pod and its node, for the API audience, from the informers alone', async () => {
    const { options, storeReads } = service(everywhere());
    const answer = await podServiceAccountToken(options, 'pi1', ask());
    assert.equal(answer.expiration_unix_ms, NOW.getTime() + 3607_000);
    const claims = claimsOf(answer.token ?? '');
    assert.deepEqual(claims['kubernetes.io'], { namespace: 'apps', pod: { name: 'web', uid: 'pod-1' }, node: { name: 'pi1', uid: 'node-1' }, serviceaccount: { name: 'robot', uid: 'sa-1' } });
    assert.deepEqual(claims.aud, ['https://kubernetes.default.svc.cluster.local']);
    assert.deepEqual(storeReads, []);
  });

  it('reads the store for what the informers do not hold yet', async () => {
    const world = everywhere();
    world.cached.serviceaccounts.clear();
    world.cached.nodes.clear();
    const { options, storeReads } = service(world);
    const answer = await podServiceAccountToken(options, 'pi1', ask());
    assert.deepEqual((claimsOf(answer.token ?? '')['kubernetes.io'] as { node: unknown }).node, { name: 'pi1', uid: 'node-1' });
    assert.deepEqual(storeReads, ['serviceaccounts/apps/robot', 'nodes//pi1']);
  });

  it('reads the pod from the store when the informer holds an older pod of that name', async () => {
    const world = everywhere();
    const recreated = { ...POD, metadata: { ...POD.metadata, uid: 'pod-2' } } as Pod;
    world.stored.set('pods/apps/web', recreated);
    const { options, storeReads } = service(world);
    const answer = await podServiceAccountToken(options, 'pi1', ask({ pod: { namespace: 'apps', name: 'web', uid: 'pod-2' } }));
    assert.deepEqual((claimsOf(answer.token ?? '')['kubernetes.io'] as { pod: unknown }).pod, { name: 'web', uid: 'pod-2' });
    assert.deepEqual(storeReads, ['pods/apps/web', 'pods/apps/web']);
  });

  it('refuses an account that is gone with the store\'s NotFound (the kubelet\'s FailedMount text)', async () => {
    const world = everywhere();
    world.cached.serviceaccounts.clear();
    world.stored.delete('serviceaccounts/apps/robot');
    const { options } = service(world);
    await assert.rejects(podServiceAccountToken(options, 'pi1', ask()), (err: Error & { code?: string }) => err.code === 'NotFound' && err.message === 'serviceaccounts "robot" not found');
  });

  it('serves no token without a signer (NotFound, as the subresource)', async () => {
    const { options } = service(everywhere());
    await assert.rejects(podServiceAccountToken({ ...options, tokenIssuer: undefined }, 'pi1', ask()), (err: Error & { code?: string }) => err.code === 'NotFound');
  });

  const refusals = [
    { name: 'a pod bound to another node', node: 'pi2', req: ask(), code: 'Forbidden' },
    { name: 'another account than the pod runs as', node: 'pi1', req: ask({ service_account_name: 'admin' }), code: 'Forbidden' },
    { name: 'a pod recreated under the name', node: 'pi1', req: ask({ pod: { namespace: 'apps', name: 'web', uid: 'pod-2' } }), code: 'NotFound' },
    { name: 'a pod that does not exist', node: 'pi1', req: ask({ pod: { namespace: 'apps', name: 'gone', uid: 'pod-3' } }), code: 'NotFound' },
    { name: 'names that are not names', node: 'pi1', req: ask({ pod: { namespace: '../x', name: 'web', uid: 'pod-1' } }), code: 'BadRequest' },
    { name: 'a lifetime under ten minutes', node: 'pi1', req: ask({ expiration_seconds: 599 }), code: 'Invalid' },
  ];
  for (const r of refusals) {
    it(`refuses ${r.name}`, async () => {
      const { options } = service(everywhere());
      await assert.rejects(podServiceAccountToken(options, r.node, r.req), (err: Error & { code?: string }) => err.code === r.code);
    });
  }
});
