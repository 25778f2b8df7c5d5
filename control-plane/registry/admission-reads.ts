/**
 * What create admission reads of a namespace (its LimitRanges, ResourceQuotas and
 * ServiceAccounts), served from the API server's watch caches as Kubernetes' admission plugins
 * read their informers' listers, with the plugins' safety nets and one of our own:
 *
 * - A kind's cache that is not running yet (it is started), or that has not reached the last
 *   write of the kind made through this registry, is passed by: etcd is read. So a LimitRange or
 *   a quota created a moment before a create applies to it, however late the cache. Writes that
 *   admission may read stale (a quota charge, which its own compare-and-swap re-checks) are not
 *   counted (`wrote` is not called for them).
 * - A namespace where the cache holds none of the kind gets the live lookup of the quota and
 *   LimitRanger plugins (their liveLookupCache): etcd's list of the namespace, kept 30 s, for
 *   100 namespaces a kind, one read at a time per namespace. It catches what another replica
 *   created a moment ago. Unlike Kubernetes, a write of the kind through this registry drops
 *   the namespace's entry (a LimitRange deleted here stops applying once the cache has seen it).
 * - An object looked up by name that the cache lacks is read from etcd (the ServiceAccount
 *   plugin's live lookup).
 *
 * Objects from a cache are shared: read-only.
 */
import type { KubeObject } from '../../api/meta';
import { objectKey, resourcePrefix, type KeySpace } from '../store/keys';
import type { Store } from '../store/store';
import type { CachedObjects } from './cached-objects';
import type { AnyKind } from './kinds';

/** Kubernetes' liveTTL of the quota and LimitRanger plugins. */
export const LIVE_LOOKUP_TTL_MS = 30_000;
/** Namespaces whose live lookup is kept, per kind (the quota plugin's LRU size). */
const LIVE_LOOKUP_ENTRIES = 100;

export interface AdmissionReadsOptions {
  store: Store;
  keySpace: KeySpace;
  /** The caches in use now (the registry's; none when no API server attached them). */
  cached: () => CachedObjects | undefined;
  now: () => number;
}

interface LiveLookup {
  expiresAt: number;
  objects: Promise<readonly KubeObject[]>;
}

export class AdmissionReads {
  /** The revision of the newest write of each kind through this registry that admission must see. */
  private readonly lastWrite = new Map<AnyKind, number>();
  /** Live lookups by kind, then namespace (oldest first). */
  private readonly liveLookups = new Map<AnyKind, Map<string, LiveLookup>>();

  constructor(private readonly options: AdmissionReadsOptions) {}

  /** This registry stored (or removed) `object` of `info`: admission reads the kind from etcd until its cache has seen it. */
  wrote(info: AnyKind, object: KubeObject): void {
    const revision = Number(object.metadata.resourceVersion);
    if (Number.isFinite(revision) && revision > (this.lastWrite.get(info) ?? 0)) this.lastWrite.set(info, revision);
    this.liveLookups.get(info)?.delete(object.metadata.namespace ?? '');
  }

  /** Every object of `info` in `namespace`, as admission may read it. */
  async list<T extends KubeObject>(info: AnyKind, namespace: string): Promise<readonly T[]> {
    const cached = this.options.cached()?.namespace(info, namespace, true);
    if (!cached || cached.revision < (this.lastWrite.get(info) ?? 0)) return (await this.readList(info, namespace)) as T[];
    if (cached.objects.length > 0) return cached.objects as T[];
    return (await this.liveLookup(info, namespace)) as T[];
  }

  /** The object named `name`, from the cache when it holds it, else from etcd; undefined when there is none. */
  async get<T extends KubeObject>(info: AnyKind, namespace: string, name: string): Promise<T | undefined> {
    const key = objectKey(this.options.keySpace, info, namespace, name);
    const cached = this.options.cached()?.get(info, key, true);
    return (cached as T | undefined) ?? this.options.store.get<T>(key);
  }

  /** The namespace's live lookup: the one kept while it is fresh, else a new etcd read (shared by the reads that wait for it). */
  private liveLookup(info: AnyKind, namespace: string): Promise<readonly KubeObject[]> {
    const now = this.options.now();
    let entries = this.liveLookups.get(info);
    if (!entries) this.liveLookups.set(info, (entries = new Map()));
    const kept = entries.get(namespace);
    if (kept && kept.expiresAt > now) return kept.objects;
    const lookup: LiveLookup = { expiresAt: now + LIVE_LOOKUP_TTL_MS, objects: this.readList(info, namespace) };
    entries.delete(namespace);
    if (entries.size >= LIVE_LOOKUP_ENTRIES) entries.delete(entries.keys().next().value as string);
    entries.set(namespace, lookup);
    lookup.objects.catch(() => {
      if (entries.get(namespace) === lookup) entries.delete(namespace);
    });
    return lookup.objects;
  }

  private async readList(info: AnyKind, namespace: string): Promise<readonly KubeObject[]> {
    return (await this.options.store.list<KubeObject>(resourcePrefix(this.options.keySpace, info, namespace))).items;
  }
}
