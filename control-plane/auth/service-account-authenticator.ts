/**
 * Kubernetes' service-account token authenticator: `Authorization: Bearer <jwt>` signed by this
 * control plane, for the API's audience and not expired, is the user
 * `system:serviceaccount:<ns>:<name>` in `system:serviceaccounts`, `system:serviceaccounts:<ns>`
 * and `system:authenticated`. The token dies with what it is bound to: the ServiceAccount (and
 * the pod, secret or node it names) must still exist with the uid in the token; a pod deleted
 * more than a minute ago no longer counts (pkg/serviceaccount/claims.go, validator.Validate).
 * Lookups read the control plane's informers, so authenticating costs no etcd read.
 */
import { serviceAccountGroups, serviceAccountUserName } from '../../api/service-account';
import { AUTHENTICATED_GROUP, bearerTokenAuthenticator, type Authenticator, type TokenAuthenticator } from './authenticator';

export { bearerToken } from './authenticator';
import { looksLikeJwt } from './jwt';
import type { NamedUid, ReadClaims, ServiceAccountTokenIssuer } from './service-account-token';

/** What the authenticator reads of the cluster: uid and deletion time of each object, if it exists. */
export interface BoundObjectLookup {
  serviceAccount(namespace: string, name: string): ObjectLife | undefined;
  pod(namespace: string, name: string): ObjectLife | undefined;
  secret(namespace: string, name: string): ObjectLife | undefined;
  node(name: string): ObjectLife | undefined;
}

export interface ObjectLife {
  uid?: string;
  deletionTimestamp?: string;
}

/** validator.Validate: a pod deleted (gracefully) longer ago than this invalidates its tokens. */
const DELETED_POD_GRACE_MS = 60_000;

function alive(object: ObjectLife | undefined, ref: NamedUid): boolean {
  return object !== undefined && object.uid === ref.uid;
}

/** Every object the token names still exists as the one it was issued for. */
export function bindingStillHolds(claims: ReadClaims, lookup: BoundObjectLookup, now: Date): boolean {
  const ns = claims.namespace;
  if (!alive(lookup.serviceAccount(ns, claims.serviceAccount.name), claims.serviceAccount)) return false;
  if (claims.secret && !alive(lookup.secret(ns, claims.secret.name), claims.secret)) return false;
  if (claims.node && !alive(lookup.node(claims.node.name), claims.node)) return false;
  if (!claims.pod) return true;
  const pod = lookup.pod(ns, claims.pod.name);
  if (!alive(pod, claims.pod)) return false;
  const deleted = pod?.deletionTimestamp ? Date.parse(pod.deletionTimestamp) : undefined;
  return deleted === undefined || now.getTime() - deleted <= DELETED_POD_GRACE_MS;
}

/** validator.Validate's refusal of a token whose account, pod, secret or node is gone. */
export const INVALIDATED = 'service account token has been invalidated';

/** Our JWTs for one of the audiences asked (default: the API's); the audiences it is good for are those it names among them. */
export function serviceAccountTokenAuthenticator(issuer: ServiceAccountTokenIssuer, lookup: BoundObjectLookup, now: () => Date = () => new Date()): Authenticator & TokenAuthenticator {
  const tokens: TokenAuthenticator = {
    authenticateToken(token, audiences = issuer.apiAudiences) {
      if (!looksLikeJwt(token)) return undefined;
      const at = now();
      const claims = issuer.read(token, at, audiences);
      if (!claims) return undefined;
      if (!bindingStillHolds(claims, lookup, at)) return { error: INVALIDATED };
      const user = {
        name: serviceAccountUserName(claims.namespace, claims.serviceAccount.name),
        groups: [...serviceAccountGroups(claims.namespace), AUTHENTICATED_GROUP],
      };
      return { user, audiences: claims.audiences.filter((a) => audiences.includes(a)) };
    },
  };
  return { ...tokens, ...bearerTokenAuthenticator(tokens) };
}
