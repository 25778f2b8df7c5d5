/**
 * A LIST answered from a watch cache's state (the apiserver Cacher's GetList): the same filter
 * as the cache's watches (namespace, then the request's compiled Selection, the one
 * registry.list matches with), key order, and the pages and continue tokens of
 * list-pagination.ts, so a page is the one etcd would give at the same revision.
 * The entries hold the cache's shared objects: read-only for everyone.
 */
import { passes, type CachedObject, type WatcherFilter } from './cache-watcher';
import { byKey, cutPage, type ContinueToken, type Page } from './list-pagination';

/** A cached object under its store key. */
export interface CachedEntry {
  key: string;
  cached: CachedObject;
}

export interface CacheListRequest {
  /**
   * Unset: a consistent read, at etcd's current revision or newer (Kubernetes'
   * ConsistentListFromCache). "0": the cache as it is, however fresh.
   */
  resourceVersion?: '0';
  filter: WatcherFilter;
  limit?: number;
  /** A continuation: served only from a state that is etcd's at the token's revision. */
  continue?: ContinueToken;
}

/** The page of `state` the request asks for; `revision` is the list's resourceVersion (a continuation keeps its token's). */
export function listPage(state: ReadonlyMap<string, CachedObject>, request: CacheListRequest, revision: number): Page<CachedEntry> {
  const matching: CachedEntry[] = [];
  for (const [key, cached] of state) if (passes(request.filter, cached.object)) matching.push({ key, cached });
  return cutPage(matching.sort(byKey), revision, request.limit, request.continue);
}
