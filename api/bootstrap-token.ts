/**
 * Bootstrap tokens as Kubernetes stores them (k8s.io/cluster-bootstrap/token/api): a token
 * `<id>.<secret>` (6 and 16 characters of [a-z0-9]) is the Secret `bootstrap-token-<id>` of
 * type `bootstrap.kubernetes.io/token` in kube-system, with `token-id`, `token-secret`,
 * `expiration` (RFC 3339), `description`, `usage-bootstrap-authentication`,
 * `usage-bootstrap-signing` and `auth-extra-groups`.
 * https://kubernetes.io/docs/reference/access-authn-authz/bootstrap-tokens/
 */
import type { Secret } from './config-v1';

export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';
export const BOOTSTRAP_TOKEN_NAMESPACE = 'kube-system';
export const BOOTSTRAP_TOKEN_SECRET_PREFIX = 'bootstrap-token-';
export const BOOTSTRAP_USER_PREFIX = 'system:bootstrap:';
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';
/** kubeadm's group for the tokens it makes (auth-extra-groups); its RBAC binds it as system:bootstrappers here. */
export const DEFAULT_NODE_TOKEN_GROUP = 'system:bootstrappers:kubeadm:default-node-token';

const TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const EXTRA_GROUP = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;

export interface BootstrapToken {
  id: string;
  secret: string;
}

/** `<id>.<secret>`, or undefined when the text is not shaped like a bootstrap token. */
export function parseBootstrapToken(text: string): BootstrapToken | undefined {
  const m = TOKEN.exec(text);
  return m ? { id: m[1] ?? '', secret: m[2] ?? '' } : undefined;
}

export function bootstrapTokenSecretName(id: string): string {
  return `${BOOTSTRAP_TOKEN_SECRET_PREFIX}${id}`;
}

/** A Secret's `data` value, decoded (bootstrap token fields are plain text in base64). */
export function secretField(secret: Secret, key: string): string | undefined {
  const b64 = secret.data?.[key];
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
}

/** The Secret's expiration instant (ms), undefined when it has none; NaN when it is unreadable (treated as expired). */
export function expirationOf(secret: Secret): number | undefined {
  const text = secretField(secret, 'expiration');
  return text === undefined ? undefined : Date.parse(text);
}

/** Whether the token has expired at `now` (an unreadable expiration counts as expired, as the token cleaner treats it). */
export function isExpired(secret: Secret, now: Date): boolean {
  const at = expirationOf(secret);
  return at !== undefined && (Number.isNaN(at) || at <= now.getTime());
}

/** `auth-extra-groups`, each required to start with system:bootstrappers: (others make the token invalid). */
export function extraGroupsOf(secret: Secret): string[] | undefined {
  const text = secretField(secret, 'auth-extra-groups');
  if (text === undefined || text === '') return [];
  const groups = text.split(',').map((g) => g.trim());
  return groups.every((g) => EXTRA_GROUP.test(g)) ? groups : undefined;
}

export interface NewBootstrapToken {
  token: BootstrapToken;
  expiration?: Date;
  description?: string;
  usages: ('authentication' | 'signing')[];
  extraGroups: string[];
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** The Secret that stores a token, as `kubeadm token create` writes it. */
export function bootstrapTokenSecret(spec: NewBootstrapToken): Secret {
  const data: Record<string, string> = { 'token-id': b64(spec.token.id), 'token-secret': b64(spec.token.secret) };
  if (spec.expiration) data.expiration = b64(spec.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  if (spec.description) data.description = b64(spec.description);
  for (const usage of spec.usages) data[`usage-bootstrap-${usage}`] = b64('true');
  if (spec.extraGroups.length > 0) data['auth-extra-groups'] = b64(spec.extraGroups.join(','));
  const metadata = { name: bootstrapTokenSecretName(spec.token.id), namespace: BOOTSTRAP_TOKEN_NAMESPACE };
  return { apiVersion: 'v1', kind: 'Secret', metadata, type: BOOTSTRAP_TOKEN_SECRET_TYPE, data };
}
