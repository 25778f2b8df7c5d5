/**
 * A LIST answered from a watch cache's state (the apiserver Cacher's GetList): the same filter
 * as the cache's watches (namespace, then the request's compiled Selection, the one
 * registry.list matches with), key order, and the pages and continue tokens of
 * list-pagination.ts, so a page is the one etcd would give at the same revision.
 * The entries hold the cache's shared objects: read-only for everyone.
 */
import { passes, type CachedObject, type WatcherFilter } from './cache-watcher';
import { byKey, type ContinueToken, type Page } from './list-pagination';

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
  /**
   * Names the filter (namespace and selector strings): requests with the same key and an
   * unchanged state share one filtered, sorted list of entries instead of each walking the state.
   */
  filterKey?: string;
  limit?: number;
  /** A continuation: served only from a state that is etcd's at the token's revision. */
  continue?: ContinueToken;
}

/** A page of the cache's state, with the version of the state it was cut from. */
export interface CachePage extends Page<CachedEntry> {
  /**
   * Changes whenever the cache's state does (any event, a restart): two pages with the same
   * version and the same request hold the same items, so their encodings may be shared.
   */
  stateVersion: number;
  /** The request's filterKey: pages are shared only between requests that name their filter. */
  filterKey?: string;
}

/** The entries of `state` the filter passes, in key order (before paging). */
export function matchingEntries(state: ReadonlyMap<string, CachedObject>, filter: WatcherFilter): CachedEntry[] {
  const matching: CachedEntry[] = [];
  for (const [key, cached] of state) if (passes(filter, cached.object)) matching.push({ key, cached });
  return matching.sort(byKey);
}
