/**
 * `limit` and `continue` on lists. Objects are returned in key order (namespace, then name,
 * as etcd returns them); a continue token names the list's revision and the last key
 * returned, and the next page starts after that key.
 *
 * Kubernetes serves continuations from etcd at the token's revision (a consistent snapshot).
 * The Store reads only the current state, so a continued list is read now and cut after the
 * key: objects changed between pages show their newest state. The list's resourceVersion stays
 * the first page's, so a watch started from it still misses no change.
 */
import { badRequest } from '../../api/errors';
import type { KubeObject } from '../../api/meta';

export interface ContinueToken {
  /** Revision of the first page. */
  rv: number;
  /** The last key returned so far. */
  start: string;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.rv, start: token.start })).toString('base64url');
}

export function decodeContinue(text: string): ContinueToken {
  let parsed: { v?: unknown; rv?: unknown; start?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data or JSON');
  }
  if (parsed?.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string') {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  return { rv: parsed.rv, start: parsed.start };
}

export interface KeyedObject<T extends KubeObject> {
  key: string;
  object: T;
}

export interface Page<T extends KubeObject> {
  items: T[];
  resourceVersion: number;
  continue?: string;
  remainingItemCount?: number;
}

/** Cuts one page from `matching` (already filtered, in key order). */
export function takePage<T extends KubeObject>(matching: KeyedObject<T>[], revision: number, limit?: number, token?: ContinueToken): Page<T> {
  const rest = token ? matching.filter((e) => e.key > token.start) : matching;
  const rv = token ? token.rv : revision;
  if (!limit || limit <= 0 || rest.length <= limit) return { items: rest.map((e) => e.object), resourceVersion: rv };
  const page = rest.slice(0, limit);
  const next = encodeContinue({ rv, start: page[page.length - 1].key });
  return { items: page.map((e) => e.object), resourceVersion: rv, continue: next, remainingItemCount: rest.length - limit };
}
