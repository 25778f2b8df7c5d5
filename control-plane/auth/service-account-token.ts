/**
 * Bound service-account tokens (pkg/serviceaccount/claims.go): JWTs signed by the control
 * plane whose claims name the account and, for a bound token, the object whose life bounds
 * the token's (a pod, a secret, a node). `issue` builds them; `read` checks signature,
 * issuer, audience and time and returns the claims as data. Whether the objects still exist
 * is the authenticator's question (service-account-authenticator.ts).
 * https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#bound-service-account-tokens
 */
import { randomUUID } from 'node:crypto';
import { serviceAccountUserName } from '../../api/service-account';
import { signJwt, verifyJwt, type JwtClaims, type JwtSigningKey } from './jwt';

/** kubeadm's and k3s' `--service-account-issuer`; also the API's audience by default. */
export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** jwt.DefaultLeeway: clocks of the issuer and of a checker may differ this much. */
const LEEWAY_SECONDS = 60;

export interface NamedUid {
  name: string;
  uid: string;
}

/** The `kubernetes.io` private claim. */
export interface TokenBinding {
  namespace: string;
  serviceAccount: NamedUid;
  pod?: NamedUid;
  secret?: NamedUid;
  node?: NamedUid;
}

export interface IssuedToken {
  token: string;
  /** exp, as a Date. */
  expiresAt: Date;
}

export interface ReadClaims extends TokenBinding {
  audiences: string[];
  issuedAt: number;
  expiresAt: number;
  jti?: string;
}

export interface TokenIssuerOptions {
  issuer?: string;
  /** What the API server accepts tokens for (`--api-audiences`); default [issuer]. */
  apiAudiences?: string[];
}

export class ServiceAccountTokenIssuer {
  readonly issuer: string;
  readonly apiAudiences: readonly string[];

  constructor(private readonly key: JwtSigningKey, options: TokenIssuerOptions = {}) {
    this.issuer = options.issuer ?? DEFAULT_ISSUER;
    this.apiAudiences = options.apiAudiences ?? [this.issuer];
  }

  issue(binding: TokenBinding, request: { audiences: string[]; expirationSeconds: number; now: Date }): IssuedToken {
    const iat = Math.floor(request.now.getTime() / 1000);
    const exp = iat + request.expirationSeconds;
    const claims: JwtClaims = {
      aud: request.audiences, exp, iat, iss: this.issuer, jti: randomUUID(),
      'kubernetes.io': privateClaim(binding),
      nbf: iat, sub: serviceAccountUserName(binding.namespace, binding.serviceAccount.name),
    };
    return { token: signJwt(claims, this.key), expiresAt: new Date(exp * 1000) };
  }

  /** The claims of a valid token of ours meant for `audiences` (default: the API's); undefined otherwise. */
  read(token: string, now: Date, audiences: readonly string[] = this.apiAudiences): ReadClaims | undefined {
    const claims = verifyJwt(token, this.key.publicKey);
    if (!claims || claims.iss !== this.issuer) return undefined;
    const t = Math.floor(now.getTime() / 1000);
    const { exp, nbf, iat } = claims;
    if (typeof exp !== 'number' || typeof iat !== 'number' || t > exp + LEEWAY_SECONDS) return undefined;
    if (typeof nbf === 'number' && t < nbf - LEEWAY_SECONDS) return undefined;
    const aud = audienceList(claims.aud);
    if (!aud.some((a) => audiences.includes(a))) return undefined;
    const binding = bindingOf(claims);
    if (!binding || claims.sub !== serviceAccountUserName(binding.namespace, binding.serviceAccount.name)) return undefined;
    return { ...binding, audiences: aud, issuedAt: iat, expiresAt: exp, jti: typeof claims.jti === 'string' ? claims.jti : undefined };
  }
}

function privateClaim(b: TokenBinding): JwtClaims {
  const claim: JwtClaims = { namespace: b.namespace };
  if (b.node) claim.node = { ...b.node };
  if (b.pod) claim.pod = { ...b.pod };
  if (b.secret) claim.secret = { ...b.secret };
  claim.serviceaccount = { ...b.serviceAccount };
  return claim;
}

function audienceList(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

function namedUid(value: unknown): NamedUid | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, uid } = value as Record<string, unknown>;
  return typeof name === 'string' && typeof uid === 'string' && name !== '' && uid !== '' ? { name, uid } : undefined;
}

/** The `kubernetes.io` claim as data; undefined when it is missing or malformed. */
function bindingOf(claims: JwtClaims): TokenBinding | undefined {
  const k = claims['kubernetes.io'];
  if (typeof k !== 'object' || k === null) return undefined;
  const c = k as Record<string, unknown>;
  const serviceAccount = namedUid(c.serviceaccount);
  if (typeof c.namespace !== 'string' || c.namespace === '' || !serviceAccount) return undefined;
  const binding: TokenBinding = { namespace: c.namespace, serviceAccount };
  for (const key of ['pod', 'secret', 'node'] as const) {
    if (c[key] === undefined) continue;
    const ref = namedUid(c[key]);
    if (!ref) return undefined;
    binding[key] = ref;
  }
  return binding;
}
