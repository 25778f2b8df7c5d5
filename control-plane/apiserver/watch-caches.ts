/**
 * The API server's watch caches, one per resource, made on the resource's first watch or LIST and kept
 * for the server's life (the apiserver keeps one per resource from its start). Owned by the
 * server: `dispose()` ends every cache, its store watch and its watchers.
 */
import type { ResourceDefinition } from '../registry/resource-definition';
import { WatchCache, type WatchCacheOptions, type WatchCacheSource } from './watch-cache';

/** Where a resource's objects are: the store and the key prefix of all its objects. */
export type WatchSourceOf = (info: ResourceDefinition) => { store: WatchCacheSource; prefix: string };

export class WatchCaches {
  private readonly caches = new Map<string, WatchCache>();
  private disposed = false;

  constructor(
    private readonly sourceOf: WatchSourceOf,
    private readonly options: Partial<WatchCacheOptions> = {},
  ) {}

  /** The cache of a resource (all namespaces), made on first use. */
  of(info: ResourceDefinition): WatchCache {
    if (this.disposed) throw new Error('watch caches disposed');
    const { store, prefix } = this.sourceOf(info);
    let cache = this.caches.get(prefix);
    if (!cache) {
      cache = new WatchCache(store, prefix, this.options);
      this.caches.set(prefix, cache);
    }
    return cache;
  }

  /** Every cache made so far. */
  all(): WatchCache[] {
    return [...this.caches.values()];
  }

  dispose(): void {
    this.disposed = true;
    for (const cache of this.caches.values()) cache.dispose();
    this.caches.clear();
  }
}
