/**
 * Recent copies of stored objects (the API server's watch caches), as the registry reads them:
 * read-only and possibly behind etcd, so a write only starts from them (a compare-and-swap
 * checks the copy) and admission trusts them only under the rules of admission-reads.ts.
 * `start` asks for the resource's cache to be started when it is not running yet (it then
 * answers next time).
 */
import type { KubeObject } from '../../api/meta';
import type { AnyKind } from './kinds';

/** One namespace's objects of a kind and the revision the cache reflects: every change up to it is in. */
export interface CachedNamespace {
  objects: readonly KubeObject[];
  revision: number;
}

export interface CachedObjects {
  /** The object at a store key; undefined when the cache does not hold it or is not running. */
  get(info: AnyKind, key: string, start: boolean): KubeObject | undefined;
  /** Every object of the kind in `namespace`; undefined when the kind's cache is not running. */
  namespace(info: AnyKind, namespace: string, start: boolean): CachedNamespace | undefined;
}
