/**
 * The bootstrap signer's signatures (k8s.io/cluster-bootstrap/token/jws): a JWS over the
 * cluster-info kubeconfig with HS256, the token's secret as key and its id as `kid`, stored
 * detached (`<header>..<signature>`) under `jws-kubeconfig-<id>`. A joining node that holds
 * the token checks the document came from a server that knows it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { BootstrapToken } from './bootstrap-token';

export const JWS_KEY_PREFIX = 'jws-kubeconfig-';

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

export function detachedSignature(content: string, token: BootstrapToken): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', kid: token.id }));
  const mac = createHmac('sha256', token.secret).update(`${header}.${b64url(content)}`).digest();
  return `${header}..${b64url(mac)}`;
}

/** Whether `signature` is the token's detached signature of `content`. */
export function verifyDetachedSignature(content: string, signature: string, token: BootstrapToken): boolean {
  const expected = Buffer.from(detachedSignature(content, token));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
