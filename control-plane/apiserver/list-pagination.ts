/**
 * `limit` and `continue` on lists. Objects are returned in key order (namespace, then name,
 * as etcd returns them); a continue token names the list's revision and the last key
 * returned, and the next page starts after that key.
 *
 * Kubernetes serves continuations from etcd at the token's revision (a consistent snapshot).
 * The watch cache does so while its state is still etcd's at that revision (nothing changed
 * since); otherwise the continued list is read from etcd now and cut after the key: objects
 * changed between pages show their newest state. The list's resourceVersion stays the first
 * page's, so a watch started from it still misses no change.
 */
import { badRequest } from '../../api/errors';
import type { KubeList, KubeObject } from '../../api/meta';
import { apiVersionOf, type ResourceInfo } from '../registry/resource-info';

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

/** One page of a list: its items, the revision it names, and how to go on. */
export interface Page<I> {
  items: I[];
  resourceVersion: number;
  continue?: string;
  remainingItemCount?: number;
}

/** Key order (etcd's byte order for ASCII keys): every list, from etcd or the watch cache, sorts with it. */
export function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Cuts one page from `matching` (already filtered, in key order). */
export function takePage<T extends KubeObject>(matching: KeyedObject<T>[], revision: number, limit?: number, token?: ContinueToken): Page<T> {
  const page = cutPage(matching, revision, limit, token);
  return { ...page, items: page.items.map((e) => e.object) };
}

/** `takePage` over any keyed entries (the watch cache's keep their shared JSON); the page holds the entries. */
export function cutPage<E extends { key: string }>(matching: E[], revision: number, limit?: number, token?: ContinueToken): Page<E> {
  const rest = token ? matching.filter((e) => e.key > token.start) : matching;
  const rv = token ? token.rv : revision;
  if (!limit || limit <= 0 || rest.length <= limit) return { items: rest, resourceVersion: rv };
  const page = rest.slice(0, limit);
  const next = encodeContinue({ rv, start: page[page.length - 1].key });
  return { items: page, resourceVersion: rv, continue: next, remainingItemCount: rest.length - limit };
}

/** The list object of a page, as the apiserver writes it (metadata.continue and remainingItemCount only when set). */
export function listOfPage<T extends KubeObject>(info: ResourceInfo, page: Page<T>): KubeList<T> {
  const metadata: KubeList['metadata'] = { resourceVersion: String(page.resourceVersion) };
  if (page.continue) metadata.continue = page.continue;
  if (page.remainingItemCount !== undefined) metadata.remainingItemCount = page.remainingItemCount;
  return { apiVersion: apiVersionOf(info), kind: info.listKind, metadata, items: page.items };
}
