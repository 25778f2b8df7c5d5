/**
 * `POST …/serviceaccounts/{name}/token` (TokenREST.Create, 1.32): a token for the account,
 * for the audiences asked (the API's by default), for `expirationSeconds` (3600 by default, at
 * least 600), optionally bound to a Pod, Secret or Node of the account's namespace whose uid
 * the token carries; a pod must run as the account. Nothing is stored. A dry run answers
 * without a token, as Kubernetes does.
 */
import type { BoundObjectReference, TokenRequest } from '../../api/authentication-v1';
import type { Node, Pod } from '../../api/core-v1';
import type { Secret } from '../../api/config-v1';
import { ApiError, badRequest, invalid, isApiError } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import type { ServiceAccount } from '../../api/service-account';
import { invalid as invalidField } from '../../api/validation/field-errors';
import type { NamedUid, ServiceAccountTokenIssuer, TokenBinding } from '../auth/service-account-token';
import type { CreateRequest } from './subresource';

/** The registry reads a token request makes (the Registry satisfies it). */
export interface TokenRequestApi {
  get<T extends KubeObject>(resource: string, namespace: string | undefined, name: string): Promise<T>;
}

/** SetDefaults_TokenRequestSpec. */
export const DEFAULT_TOKEN_SECONDS = 3600;
/** MinTokenAgeSec: 10 minutes. */
const MIN_TOKEN_SECONDS = 600;
const MAX_TOKEN_SECONDS = 2 ** 32;

export async function requestToken(api: TokenRequestApi, request: CreateRequest<TokenRequest>): Promise<TokenRequest> {
  const issuer = request.tokenIssuer;
  if (!issuer) throw new ApiError('NotFound', 'the server could not find the requested resource');
  const body = structuredClone(request.body);
  body.spec.expirationSeconds ??= DEFAULT_TOKEN_SECONDS;
  validateTokenRequest(body);
  const account = await api.get<ServiceAccount>('serviceaccounts', request.namespace, request.name);
  if ((body.spec.audiences ?? []).length === 0) body.spec.audiences = [...issuer.apiAudiences];
  const binding: TokenBinding = { namespace: request.namespace, serviceAccount: namedUid(account) };
  const ref = body.spec.boundObjectRef;
  if (ref) await bindTo(api, binding, ref, account);
  const out: TokenRequest = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: { ...body.metadata, namespace: request.namespace }, spec: body.spec };
  if (request.dryRun) return out;
  return { ...out, status: issue(issuer, binding, body, request.now()) };
}

function issue(issuer: ServiceAccountTokenIssuer, binding: TokenBinding, body: TokenRequest, now: Date): NonNullable<TokenRequest['status']> {
  const issued = issuer.issue(binding, { audiences: body.spec.audiences, expirationSeconds: body.spec.expirationSeconds ?? DEFAULT_TOKEN_SECONDS, now });
  return { token: issued.token, expirationTimestamp: issued.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

function validateTokenRequest(tr: TokenRequest): void {
  const seconds = tr.spec.expirationSeconds ?? DEFAULT_TOKEN_SECONDS;
  const field = 'spec.expirationSeconds';
  const causes = [];
  if (seconds < MIN_TOKEN_SECONDS) causes.push(invalidField(field, seconds, 'may not specify a duration less than 10 minutes'));
  if (seconds > MAX_TOKEN_SECONDS) causes.push(invalidField(field, seconds, 'may not specify a duration larger than 2^32 seconds'));
  if (causes.length > 0) throw invalid('TokenRequest', tr.metadata.name ?? '', causes, 'authentication.k8s.io');
}

function namedUid(obj: KubeObject): NamedUid {
  return { name: obj.metadata.name ?? '', uid: obj.metadata.uid ?? '' };
}

/** Reads the bound object, checks its uid (and a pod's account), and adds it (and a pod's node) to the binding. */
async function bindTo(api: TokenRequestApi, binding: TokenBinding, ref: BoundObjectReference, account: ServiceAccount): Promise<void> {
  const kind = ref.kind ?? '';
  const apiVersion = ref.apiVersion ?? 'v1';
  if (apiVersion !== 'v1' || !['Pod', 'Secret', 'Node'].includes(kind)) throw badRequest(`cannot bind token to object of type ${apiVersion.includes('/') ? apiVersion : `/${apiVersion}`}, Kind=${kind}`);
  const name = ref.name ?? '';
  if (kind === 'Node') {
    binding.node = checkedUid(await api.get<Node>('nodes', undefined, name), ref, kind);
    return;
  }
  if (kind === 'Secret') {
    binding.secret = checkedUid(await api.get<Secret>('secrets', binding.namespace, name), ref, kind);
    return;
  }
  const pod = await api.get<Pod>('pods', binding.namespace, name);
  binding.pod = checkedUid(pod, ref, kind);
  if ((pod.spec.serviceAccountName ?? '') !== account.metadata.name) {
    throw badRequest(`cannot bind token for serviceaccount "${account.metadata.name ?? ''}" to pod running with different serviceaccount name.`);
  }
  if (pod.spec.nodeName) binding.node = await nodeOf(api, pod.spec.nodeName);
}

function checkedUid(obj: KubeObject, ref: BoundObjectReference, kind: string): NamedUid {
  if (ref.uid && ref.uid !== obj.metadata.uid) {
    const message = `Operation cannot be fulfilled on ${kind} "${ref.name ?? ''}": the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`;
    throw new ApiError('Conflict', message, { kind, name: ref.name });
  }
  return namedUid(obj);
}

/** The pod's node, for the `node` claim (ServiceAccountTokenPodNodeInfo); a node already gone is left out. */
async function nodeOf(api: TokenRequestApi, name: string): Promise<NamedUid | undefined> {
  try {
    return namedUid(await api.get<Node>('nodes', undefined, name));
  } catch (err: unknown) {
    if (isApiError(err, 'NotFound')) return undefined;
    throw err;
  }
}
