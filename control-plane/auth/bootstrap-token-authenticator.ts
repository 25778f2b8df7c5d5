/**
 * Kubernetes' bootstrap token authenticator (plugin/pkg/auth/authenticator/token/bootstrap):
 * `Authorization: Bearer <id>.<secret>` is the user `system:bootstrap:<id>` in
 * `system:bootstrappers`, the token's `auth-extra-groups` and `system:authenticated`, while the
 * Secret `kube-system/bootstrap-token-<id>` exists, is not being deleted, holds that secret,
 * allows `usage-bootstrap-authentication` and has not expired. Read from the control plane's
 * Secret informer: no etcd read per request.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Secret } from '../../api/config-v1';
import {
  BOOTSTRAP_TOKEN_NAMESPACE, BOOTSTRAP_TOKEN_SECRET_TYPE, BOOTSTRAP_USER_PREFIX, BOOTSTRAPPERS_GROUP, bootstrapTokenSecretName,
  type BootstrapToken, extraGroupsOf, isExpired, parseBootstrapToken, secretField,
} from '../../api/bootstrap-token';
import { AUTHENTICATED_GROUP, bearerTokenAuthenticator, type Authenticator, type TokenAuthenticator, type UserInfo } from './authenticator';

interface SecretCache {
  get(key: string): Secret | undefined;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The user a token proves against its Secret, or undefined (wrong, expired, not for authentication, being deleted). */
export function bootstrapTokenUser(token: BootstrapToken, secret: Secret | undefined, now: Date): UserInfo | undefined {
  if (!secret || secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE || secret.metadata.deletionTimestamp) return undefined;
  if (secretField(secret, 'token-id') !== token.id || !sameText(secretField(secret, 'token-secret') ?? '', token.secret)) return undefined;
  if (isExpired(secret, now) || secretField(secret, 'usage-bootstrap-authentication') !== 'true') return undefined;
  const extra = extraGroupsOf(secret);
  if (extra === undefined) return undefined;
  return { name: `${BOOTSTRAP_USER_PREFIX}${token.id}`, groups: [...new Set([BOOTSTRAPPERS_GROUP, ...extra, AUTHENTICATED_GROUP])] };
}

/** Not bound to audiences (good for the API's). */
export function bootstrapTokenAuthenticator(secrets: SecretCache, now: () => Date = () => new Date()): Authenticator & TokenAuthenticator {
  const tokens: TokenAuthenticator = {
    authenticateToken(text) {
      const token = parseBootstrapToken(text);
      if (!token) return undefined;
      const user = bootstrapTokenUser(token, secrets.get(`${BOOTSTRAP_TOKEN_NAMESPACE}/${bootstrapTokenSecretName(token.id)}`), now());
      return user && { user };
    },
  };
  return { ...tokens, ...bearerTokenAuthenticator(tokens) };
}
