/**
 * The node service's `ServiceAccountToken` call: the agent's TokenRequest for a
 * `serviceAccountToken` projection (the kubelet's, which Kubernetes' node authorizer allows
 * only for pods bound to that node). The caller is the node its certificate names; the pod
 * must exist with the uid asked, be bound to that node and run as the account asked. The
 * token is made by the `serviceaccounts/token` subresource, bound to the pod.
 */
import * as grpc from '@grpc/grpc-js';
import type { TokenRequest } from '../../api/authentication-v1';
import type { Node, Pod } from '../../api/core-v1';
import { ApiError, badRequest } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import type { ServiceAccount } from '../../api/service-account';
import { traceStep } from '../../base/step-trace';
import type { ServiceAccountTokenIssuer } from '../auth/service-account-token';
import { requestToken, type TokenRequestApi } from '../registry/service-account-token-request';
import type { ServiceAccountTokenRequest__Output } from '../../proto/generated/pikube/node/v1/ServiceAccountTokenRequest';
import type { ServiceAccountTokenResponse } from '../../proto/generated/pikube/node/v1/ServiceAccountTokenResponse';
import type { Registry } from '../registry/registry';
import { toGrpcError } from './grpc-status';
import { nodeNameFromCertificate } from './node-identity';

export type TokenCall = grpc.ServerUnaryCall<ServiceAccountTokenRequest__Output, ServiceAccountTokenResponse>;

/** The shared informers a token is read from first (keys `namespace/name`, nodes `name`). */
export interface TokenCaches {
  pods: Cache<Pod>;
  serviceAccounts: Cache<ServiceAccount>;
  nodes: Cache<Node>;
}

interface Cache<T extends KubeObject> {
  get(key: string): T | undefined;
}

export interface PodTokenServiceOptions {
  /** Live reads, for what the caches miss. */
  registry: Pick<Registry, 'get'>;
  caches: TokenCaches;
  /** Signs the tokens; absent: this control plane serves no tokens (NotFound, as the subresource). */
  tokenIssuer?: ServiceAccountTokenIssuer;
  caCertPem: string;
  now?: () => Date;
}

const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const MAX_AUDIENCE = 1024;

/** Checks the message's fields before anything reads the cluster (STYLE 13). */
function checkRequest(req: ServiceAccountTokenRequest__Output): void {
  const pod = req.pod;
  if (!pod || !NAME.test(pod.namespace) || !NAME.test(pod.name) || !/^[-0-9A-Za-z]{1,64}$/.test(pod.uid)) throw badRequest('pod must name a namespace, name and uid');
  if (!NAME.test(req.service_account_name)) throw badRequest('service_account_name must be a DNS subdomain');
  if (req.audience.length > MAX_AUDIENCE) throw badRequest(`audience is longer than ${MAX_AUDIENCE} characters`);
  if (!Number.isSafeInteger(req.expiration_seconds) || req.expiration_seconds <= 0) throw badRequest('expiration_seconds must be a positive number');
}

export async function podServiceAccountToken(options: PodTokenServiceOptions, nodeName: string, req: ServiceAccountTokenRequest__Output): Promise<ServiceAccountTokenResponse> {
  checkRequest(req);
  const ref = req.pod ?? { namespace: '', name: '', uid: '' };
  traceStep('pod-start', `${ref.namespace}/${ref.name}`, 'token-call');
  const reads = cacheFirst(options, ref.uid);
  const pod = await reads.get<Pod>('pods', ref.namespace, ref.name);
  if (pod.metadata.uid !== ref.uid) throw new ApiError('NotFound', `pod ${ref.namespace}/${ref.name} with uid ${ref.uid} not found`);
  if (pod.spec.nodeName !== nodeName) throw new ApiError('Forbidden', `node "${nodeName}" may not request a token for pod ${ref.namespace}/${ref.name}, which is not bound to it`);
  if (pod.spec.serviceAccountName !== req.service_account_name) {
    throw new ApiError('Forbidden', `pod ${ref.namespace}/${ref.name} runs as service account "${pod.spec.serviceAccountName ?? ''}", not "${req.service_account_name}"`);
  }
  const body: TokenRequest = {
    apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: { name: req.service_account_name, namespace: ref.namespace },
    spec: { audiences: req.audience ? [req.audience] : [], expirationSeconds: req.expiration_seconds, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: ref.name, uid: ref.uid } },
  };
  const now = options.now ?? (() => new Date());
  const made = await requestToken(reads, { namespace: ref.namespace, name: req.service_account_name, body, dryRun: false, now, tokenIssuer: options.tokenIssuer });
  if (!made.status) throw new ApiError('InternalError', 'the token request answered without a token');
  traceStep('pod-start', `${ref.namespace}/${ref.name}`, 'token-answered');
  return { token: made.status.token, expiration_unix_ms: Date.parse(made.status.expirationTimestamp) };
}

/** The caches, then the store for a miss; the pod asked about only with its uid (a pod cached with another is read live). */
function cacheFirst(options: PodTokenServiceOptions, podUid: string): TokenRequestApi {
  const { caches, registry } = options;
  const cached = (resource: string, key: string): KubeObject | undefined => {
    if (resource === 'pods') return caches.pods.get(key)?.metadata.uid === podUid ? caches.pods.get(key) : undefined;
    if (resource === 'serviceaccounts') return caches.serviceAccounts.get(key);
    return resource === 'nodes' ? caches.nodes.get(key) : undefined;
  };
  return {
    get: async <T extends KubeObject>(resource: string, namespace: string | undefined, name: string): Promise<T> =>
      (cached(resource, namespace ? `${namespace}/${name}` : name) as T | undefined) ?? registry.get<T>(resource, namespace, name),
  };
}

/** The gRPC handler: node identity from the client certificate, errors as gRPC statuses. */
export function podTokenHandler(options: PodTokenServiceOptions): grpc.handleUnaryCall<ServiceAccountTokenRequest__Output, ServiceAccountTokenResponse> {
  return (call: TokenCall, callback) => {
    void (async () => {
      try {
        const nodeName = nodeNameFromCertificate(call.getAuthContext().sslPeerCertificate, options.caCertPem);
        callback(null, await podServiceAccountToken(options, nodeName, call.request));
      } catch (err: unknown) {
        const e = toGrpcError(err);
        callback({ code: e.code, details: e.details });
      }
    })();
  };
}
