/**
 * Compact JWS (RFC 7515) signed with ES256 (ECDSA P-256, SHA-256; RFC 7518 §3.4), through
 * Node's own crypto: no dependency, nothing native beyond Node itself. Verification accepts
 * only `alg: ES256` (never `none`, never a key named by the token) and bounds what it parses,
 * since any client can send anything as a bearer token.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export type JwtClaims = Record<string, unknown>;

export interface JwtSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The `kid` header: which key signed (service-account-key.ts derives it from the public key). */
  keyId: string;
}

/** A bearer token longer than this is not one of ours (ours are well under 2 KiB). */
export const MAX_JWT_LENGTH = 16 * 1024;

const ALG = 'ES256';

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export function signJwt(claims: JwtClaims, key: JwtSigningKey): string {
  const header = base64url(JSON.stringify({ alg: ALG, kid: key.keyId }));
  const payload = base64url(JSON.stringify(claims));
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${header}.${payload}.${base64url(signature)}`;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

function parseObject(segment: string): JwtClaims | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JwtClaims) : undefined;
  } catch {
    return undefined;
  }
}

/** The claims of a token this key signed; undefined for anything else (malformed, other algorithm, other key, bad signature). */
export function verifyJwt(token: string, publicKey: KeyObject): JwtClaims | undefined {
  if (token.length > MAX_JWT_LENGTH) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  if (parseObject(header)?.alg !== ALG) return undefined;
  const sig = Buffer.from(signature, 'base64url');
  if (sig.length !== 64) return undefined;
  const ok = verify('sha256', Buffer.from(`${header}.${payload}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig);
  return ok ? parseObject(payload) : undefined;
}

/** Whether `token` looks like a JWT at all (three base64url segments): other bearer tokens are left to other authenticators. */
export function looksLikeJwt(token: string): boolean {
  const parts = token.split('.');
  return parts.length === 3 && parts.every((p) => SEGMENT.test(p));
}

export function signingKeyFromPem(privateKeyPem: string, keyId: string): JwtSigningKey {
  const privateKey = createPrivateKey(privateKeyPem);
  return { privateKey, publicKey: createPublicKey(privateKey), keyId };
}
