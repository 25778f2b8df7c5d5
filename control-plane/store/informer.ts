/**
 * A list+watch cache of one key prefix, for the control plane's own consumers (scheduler, node
 * service, controllers): client-go's informer, on the Store.
 *
 * It lists, then watches from the list's revision. When the watch ends (Gone, a dropped
 * subscriber, a lost etcd) it lists again and emits the differences as ordinary events, so
 * handlers stay level-triggered and never miss a change. Lost etcd is retried with backoff.
 *
 * Objects handed out (by get, list and handlers) are deep-frozen and shared: consumers must
 * `structuredClone` before changing one (STYLE rule 6).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type ApiError, toApiError } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import { logText } from '../log-text';
import { SkipReporter } from '../reader-guard';
import type { Store, StoreEvent, StoreWatch } from './store';
import type { Disposable } from '../../base/disposable';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** The values an object is indexed under (client-go's IndexFunc); none leaves it out of the index. */
export type IndexFunction<T> = (object: T) => readonly string[];

/** `old` is the cached state before the change; for DELETED `object` is the last known state. */
export type ChangeHandler<T> = (type: ChangeType, object: T, old?: T) => void;

export interface InformerOptions {
  /** First wait before listing again after a failure; doubles up to `maxBackoffMs`. Default 200 ms. */
  minBackoffMs?: number;
  /** Default 5 s. */
  maxBackoffMs?: number;
  /** Where failures go (a lost etcd, a throwing handler). Default console.warn. */
  log?: (message: string) => void;
  /**
   * What is kept of each stored object (a metadata-only informer keeps apiVersion, kind and
   * metadata); everything the informer hands out is what this returns. Default: the object.
   */
  keep?: (object: KubeObject) => KubeObject;
}

/** The cache key of an object: `namespace/name`, or `name` when cluster-scoped (client-go's MetaNamespaceKeyFunc). */
export function cacheKey(object: KubeObject): string {
  const { namespace, name = '' } = object.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

interface SyncWaiter {
  resolve(): void;
  reject(err: unknown): void;
}

interface Index<T> {
  indexOf: IndexFunction<T>;
  /** Index value → cache keys. */
  keys: Map<string, Set<string>>;
}

export class Informer<T extends KubeObject> implements Disposable {
  private readonly cache = new Map<string, T>();
  private readonly indexes = new Map<string, Index<T>>();
  private readonly handlers = new Set<ChangeHandler<T>>();
  private readonly waiters = new Set<SyncWaiter>();
  private readonly stopper = new AbortController();
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly log: (message: string) => void;
  private readonly keep: (object: T) => T;
  private readonly skipped: SkipReporter;
  private readonly stopFromOwner = (): void => this.dispose();
  private ownerSignal?: AbortSignal;
  private watch?: StoreWatch;
  private started = false;
  private backoffMs: number;
  /** Lists and watches that failed in a row (reset by a list that succeeds). */
  private failures = 0;
  private synced = false;

  constructor(
    private readonly store: Store,
    private readonly prefix: string,
    options: InformerOptions = {},
  ) {
    this.minBackoffMs = options.minBackoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
    this.backoffMs = this.minBackoffMs;
    this.log = options.log ?? ((message) => console.warn(message));
    // `keep` returns part of a T; the informer is typed by what it keeps (metadata-only ones as KubeObject).
    this.keep = (options.keep ?? ((o) => o)) as (object: T) => T;
    this.skipped = new SkipReporter(`informer on ${logText(prefix)}`, this.log);
  }

  /** Runs until `signal` aborts or `dispose()`. Starts once. */
  start(signal?: AbortSignal): void {
    if (this.started) throw new Error(`informer on ${this.prefix} already started`);
    this.started = true;
    if (signal?.aborted) return this.dispose();
    this.ownerSignal = signal;
    signal?.addEventListener('abort', this.stopFromOwner, { once: true });
    void this.run();
  }

  /** The cached object under a `namespace/name` (or `name`) key; read-only. */
  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  /**
   * Cached objects (read-only), optionally filtered. An object the filter throws on (a
   * malformed stored object) is left out and logged, so it cannot fail the caller's whole loop.
   */
  list(filter?: (object: T) => boolean): T[] {
    const all = [...this.cache.values()];
    return filter ? all.filter((object) => this.passes(filter, object)) : all;
  }

  /**
   * Adds an index (client-go's AddIndexers): `byIndex(name, value)` then answers from it. An
   * object the function throws on (a malformed stored object) is left out of the index and
   * logged. Adding a name twice keeps the first.
   */
  addIndex(name: string, indexOf: IndexFunction<T>): void {
    if (this.indexes.has(name)) return;
    const index: Index<T> = { indexOf, keys: new Map() };
    this.indexes.set(name, index);
    for (const [key, object] of this.cache) this.indexInto(index, key, object);
  }

  /** The cached objects (read-only) an index holds under `value`; throws for an unknown index. */
  byIndex(name: string, value: string): T[] {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`informer on ${this.prefix} has no index ${name}`);
    return [...(index.keys.get(value) ?? [])].map((key) => this.cache.get(key)).filter((o): o is T => o !== undefined);
  }

  /** Handlers run synchronously, in order of registration, after the cache has changed. */
  onChange(handler: ChangeHandler<T>): Disposable {
    this.handlers.add(handler);
    return { dispose: () => this.handlers.delete(handler) };
  }

  /** True once the first list has been applied. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once synced; rejects when `signal` aborts or the informer is disposed first. */
  whenSynced(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    if (this.stopper.signal.aborted) return Promise.reject(new Error(`informer on ${this.prefix} was disposed`));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => this.addWaiter(resolve, reject, signal));
  }

  /** Stops the watch, drops every handler, and fails pending `whenSynced`. Idempotent. */
  dispose(): void {
    if (this.stopper.signal.aborted) return;
    this.stopper.abort();
    this.ownerSignal?.removeEventListener('abort', this.stopFromOwner);
    this.watch?.dispose();
    this.handlers.clear();
    for (const waiter of [...this.waiters]) waiter.reject(new Error(`informer on ${this.prefix} was disposed before it synced`));
  }

  private passes(filter: (object: T) => boolean, object: T): boolean {
    try {
      return filter(object);
    } catch (err) {
      this.skipped.report(object, err);
      return false;
    }
  }

  private addWaiter(resolve: () => void, reject: (err: unknown) => void, signal?: AbortSignal): void {
    const onAbort = (): void => waiter.reject(signal?.reason);
    const settle = (): void => {
      this.waiters.delete(waiter);
      signal?.removeEventListener('abort', onAbort);
    };
    const waiter: SyncWaiter = {
      resolve: () => (settle(), resolve()),
      reject: (err) => (settle(), reject(err)),
    };
    this.waiters.add(waiter);
    signal?.addEventListener('abort', onAbort, { once: true });
  }

  private async run(): Promise<void> {
    const signal = this.stopper.signal;
    while (!signal.aborted) {
      const ended = await this.listAndWatch(signal).catch(toApiError);
      if (ended && !signal.aborted) await this.pause(ended, signal);
    }
  }

  /**
   * Lists, applies, then watches until the watch ends. Resolves with the failure to back off
   * from, or undefined to list again at once (Gone: client-go's reflector does the same).
   */
  private async listAndWatch(signal: AbortSignal): Promise<ApiError | undefined> {
    const list = await this.store.list<T>(this.prefix);
    this.backoffMs = this.minBackoffMs;
    if (this.failures > 1) this.log(`informer on ${logText(this.prefix)}: listed again after ${this.failures} failed attempts`);
    this.failures = 0;
    if (signal.aborted) return undefined;
    this.replace(list.items);
    this.markSynced();
    const ended = await this.watchFrom(list.revision, signal);
    if (ended?.code !== 'Gone') return ended;
    this.log(`informer on ${this.prefix}: ${ended.message}; listing again`);
    return undefined;
  }

  /** Resolves when the watch ends on its own (with why), or undefined once disposed. */
  private watchFrom(afterRevision: number, signal: AbortSignal): Promise<ApiError | undefined> {
    return new Promise((resolve) => {
      const onAbort = (): void => resolve(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      const onError = (err: ApiError): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(err);
      };
      this.watch = this.store.watch<T>(this.prefix, { afterRevision, onEvent: (e) => this.apply(e), onError, signal });
    });
  }

  /** Waits before listing again, doubling the wait each time until a list succeeds. */
  private async pause(err: ApiError, signal: AbortSignal): Promise<void> {
    const ms = this.backoffMs;
    this.backoffMs = Math.min(ms * 2, this.maxBackoffMs);
    // An etcd away for an hour must not fill the journal: the 1st, 2nd, 4th, 8th… failure in a row is logged.
    if (isPowerOfTwo(++this.failures)) this.log(`informer on ${logText(this.prefix)}: ${err.code}: ${logText(err.message)}; listing again in ${ms} ms (failure ${this.failures} in a row)`);
    await sleep(ms, undefined, { signal }).catch(() => undefined);
  }

  private apply(event: StoreEvent<T>): void {
    const object = deepFreeze(this.keep(event.object));
    const key = cacheKey(object);
    const old = this.cache.get(key);
    if (event.type === 'DELETED') {
      this.drop(key);
      return this.emit('DELETED', object, old);
    }
    this.put(key, object);
    this.emit(old ? 'MODIFIED' : 'ADDED', object, old);
  }

  /** Makes the cache equal to a fresh list, emitting what changed since the last state seen. */
  private replace(items: T[]): void {
    const fresh = new Map(items.map((item) => [cacheKey(item), deepFreeze(this.keep(item))] as const));
    for (const [key, old] of [...this.cache]) {
      if (fresh.has(key)) continue;
      this.drop(key);
      this.emit('DELETED', old, old);
    }
    for (const [key, object] of fresh) {
      const old = this.cache.get(key);
      if (old?.metadata.resourceVersion === object.metadata.resourceVersion) continue;
      this.put(key, object);
      this.emit(old ? 'MODIFIED' : 'ADDED', object, old);
    }
  }

  private put(key: string, object: T): void {
    this.drop(key);
    this.cache.set(key, object);
    for (const index of this.indexes.values()) this.indexInto(index, key, object);
  }

  private drop(key: string): void {
    const old = this.cache.get(key);
    if (!old) return;
    this.cache.delete(key);
    for (const index of this.indexes.values()) for (const value of this.valuesOf(index, old)) this.unindex(index, value, key);
  }

  private indexInto(index: Index<T>, key: string, object: T): void {
    for (const value of this.valuesOf(index, object)) {
      const keys = index.keys.get(value) ?? new Set<string>();
      index.keys.set(value, keys.add(key));
    }
  }

  private unindex(index: Index<T>, value: string, key: string): void {
    const keys = index.keys.get(value);
    keys?.delete(key);
    if (keys?.size === 0) index.keys.delete(value);
  }

  private valuesOf(index: Index<T>, object: T): readonly string[] {
    try {
      return index.indexOf(object);
    } catch (err) {
      this.skipped.report(object, err);
      return [];
    }
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    for (const waiter of [...this.waiters]) waiter.resolve();
  }

  private emit(type: ChangeType, object: T, old?: T): void {
    for (const handler of [...this.handlers]) {
      try {
        handler(type, object, old);
      } catch (err) {
        this.log(`informer on ${logText(this.prefix)}: a ${type} handler failed on ${logText(cacheKey(object), 300)}: ${logText(err)}`);
      }
    }
  }
}

/** Freezes an object graph so a consumer that forgets to clone fails loudly instead of corrupting the cache. */
function deepFreeze<V>(value: V): V {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}
