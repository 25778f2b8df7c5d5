import assert from 'node:assert/strict';
import type { TokenRequest } from '../../../../api/authentication-v1';
import { notFound } from '../../../../api/errors';
import type { KubeObject } from '../../../../api/meta';
import { podServiceAccountToken, type PodTokenServiceOptions } from '../../../../control-plane/nodes/pod-token-service';

const POD = { metadata: { name: 'web', namespace: 'apps', uid: 'pod-1' }, spec: { nodeName: 'pi1', serviceAccountName: 'robot', containers: [] } };

function service(): { options: PodTokenServiceOptions; asked: TokenRequest[] } {
  const asked: TokenRequest[] = [];
  const registry = {
    get: async <T extends KubeObject>(_r: unknown, ns: string | undefined, name: string): Promise<T> => {
      if (ns === 'apps' && name === 'web') return POD as unknown as T;
      throw notFound('pods', name);
    },
    createSubresource: async (_r: unknown, _s: string, _ns: string, _n: string, body: unknown): Promise<KubeObject> => {
      asked.push(body as TokenRequest);
      return { ...(body as TokenRequest), status: { token: 'jwt', expirationTimestamp: '2026-12-07T13:00:07Z' } };
    },
  };
  return { options: { registry: registry as unknown as PodTokenServiceOptions['registry'], caCertPem: '' }, asked };
}

const ask = (over: Record<string, unknown> = {}) => ({
  pod: { namespace: 'apps', name: 'web', uid: 'pod-1' }, service_account_name: 'robot', audience: '', expiration_seconds: 3607, ...over,
});

describe('node service: service-account tokens for a node\'s pods', () => {
  it('asks the token subresource for a token bound to the pod, for the API audience', async () => {
    const { options, asked } = service();
    assert.deepEqual(await podServiceAccountToken(options, 'pi1', ask()), { token: 'jwt', expiration_unix_ms: Date.parse('2026-12-07T13:00:07Z') });
    assert.deepEqual(asked[0]?.spec, { audiences: [], expirationSeconds: 3607, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'pod-1' } });
  });

  const refusals = [
    { name: 'a pod bound to another node', node: 'pi2', req: ask(), code: 'Forbidden' },
    { name: 'another account than the pod runs as', node: 'pi1', req: ask({ service_account_name: 'admin' }), code: 'Forbidden' },
    { name: 'a pod recreated under the name', node: 'pi1', req: ask({ pod: { namespace: 'apps', name: 'web', uid: 'pod-2' } }), code: 'NotFound' },
    { name: 'a pod that does not exist', node: 'pi1', req: ask({ pod: { namespace: 'apps', name: 'gone', uid: 'pod-3' } }), code: 'NotFound' },
    { name: 'names that are not names', node: 'pi1', req: ask({ pod: { namespace: '../x', name: 'web', uid: 'pod-1' } }), code: 'BadRequest' },
  ];
  for (const r of refusals) {
    it(`refuses ${r.name}`, async () => {
      const { options, asked } = service();
      await assert.rejects(podServiceAccountToken(options, r.node, r.req), (err: Error & { code?: string }) => err.code === r.code);
      assert.equal(asked.length, 0);
    });
  }
});
