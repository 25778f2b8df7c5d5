/**
 * The API server's watch cache for one resource (the apiserver's Cacher): one store watch over
 * the resource's key prefix, for every API watch of it.
 *
 * - It lists the prefix once, then follows it; its state is every current object, its window
 *   the last `capacity` events (each object's JSON made once, shared by all watchers).
 * - A watch from resourceVersion unset or "0" starts with the current state as ADDED events;
 *   one from N within the window replays the window after N; one older than the window is
 *   410 Gone "too old resource version"; one ahead of the cache waits up to `freshnessWaitMs`
 *   (asking etcd for a progress notification), then is 504 "Too large resource version".
 * - Each watcher filters (namespace, selectors) and holds a small bounded queue of references
 *   (cache-watcher.ts): N watchers cost N small queues, never N copies of the events.
 * - A LIST with resourceVersion unset is a consistent read from the cache (Kubernetes'
 *   ConsistentListFromCache, KEP-2340): etcd's current revision is read, the cache waits to
 *   reach it (asking etcd for progress), then answers from its state; "0" answers from the
 *   state as it is. A continuation is answered only while the state is still etcd's at the
 *   token's revision. Whatever the cache cannot answer so, the caller reads from etcd.
 * - A lost etcd stream is watched again from the newest revision seen (watchers stay); a
 *   compacted one (Gone) ends every watcher, as the Cacher does when it re-lists, and the
 *   cache starts afresh on the next watch.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { withTimeout } from '../../api/abort-timeout';
import { ApiError } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import type { ListResult, Store, StoreEvent, StoreWatch } from '../store/store';
import { matchingEntries, type CacheListRequest, type CachedEntry, type CachePage } from './cache-list';
import { EncodedPages } from './encoded-pages';
import { EventRing } from './event-ring';
import { cutPage } from './list-pagination';
import { CachedObject, CacheWatcher, initialEvent, passes, translate, type CacheEvent, type CacheSubscription, type WatchEvent, type WatcherFilter, type WatchSink } from './cache-watcher';
import { parseWatchResourceVersion } from '../registry/registry-watch';

export interface WatchCacheOptions {
  /** Events kept for watches that resume from a resourceVersion. Default 512. */
  capacity: number;
  /** Events one watcher may leave waiting before it is dropped. Default 100. */
  queueLimit: number;
  /** How long a watch from a resourceVersion ahead of the cache waits for it. Default 3 s, as the apiserver. */
  freshnessWaitMs: number;
  /** First wait before watching etcd again after the stream was lost; doubles up to 5 s. Default 200 ms. */
  minBackoffMs: number;
  /** Bytes of encoded LIST items kept for identical LISTs of an unchanged state (encoded-pages.ts). Default 8 MiB. */
  encodedListBytes: number;
  log: (line: string) => void;
}

export const DEFAULT_WATCH_CACHE_OPTIONS: WatchCacheOptions = {
  capacity: 512,
  encodedListBytes: 8 * 1024 * 1024,
  queueLimit: 100,
  freshnessWaitMs: 3_000,
  minBackoffMs: 200,
  log: (line) => console.warn(line),
};

const MAX_BACKOFF_MS = 5_000;
/** Filtered lists kept for LISTs that repeat a filter on an unchanged state (references only: 8 bytes an entry). */
const MATCHING_MEMO_SIZE = 8;

/** What the cache reads: a Store (or, in unit tests, an in-memory one). */
export type WatchCacheSource = Pick<Store, 'list' | 'watch' | 'currentRevision'>;

/** While a read waits for the cache to reach a revision, etcd is asked for progress this often (as the Cacher's progressRequester). */
const PROGRESS_REQUEST_INTERVAL_MS = 100;

export interface CacheWatchRequest {
  /** As the client sent it: unset or "0" for "current state first". */
  resourceVersion?: string;
  filter: WatcherFilter;
  sink: WatchSink;
}

/** The apiserver's error for a watch ahead of the cache (storage.NewTooLargeResourceVersionError). */
export function tooLargeResourceVersion(requested: number, current: number): ApiError {
  return new ApiError('Timeout', `Too large resource version: ${requested}, current: ${current}`, { retryAfterSeconds: 1 }, [
    { reason: 'ResourceVersionTooLarge', message: 'Too large resource version' },
  ]);
}

/** The Cacher's 410 for a watch from before its window. */
export function tooOldResourceVersion(requested: number, oldest: number): ApiError {
  return new ApiError('Gone', `too old resource version: ${requested} (${oldest})`);
}

export class WatchCache {
  private readonly options: WatchCacheOptions;
  private readonly state = new Map<string, CachedObject>();
  private readonly window: EventRing<CacheEvent>;
  private readonly watchers = new Set<CacheWatcher>();
  private readonly revisionWaiters = new Set<() => void>();
  private readonly stopper = new AbortController();
  private running = false;
  private starting?: Promise<void>;
  private storeWatch?: StoreWatch;
  /** The newest revision the cache reflects. */
  private revision = 0;
  /** A watch from this revision or later is served from the window. */
  private oldest = 0;
  /** The revision of the newest change in the state (its list's at the start): the state is etcd's at every revision from here to `revision`. */
  private lastChange = 0;
  private backoffMs: number;
  /** Bumped on every change of the state: what a memo of it is valid for. */
  private stateVersion = 0;
  /** The last filtered, sorted lists by filterKey, for the state at `stateVersion`. */
  private readonly matchingMemo = new Map<string, { stateVersion: number; entries: CachedEntry[] }>();
  /** Store watches opened over the cache's life (one per start or reconnection). */
  storeWatchesOpened = 0;
  /** Encoded LIST items of the current state, for the handlers (cleared on every change). */
  readonly encodedPages: EncodedPages;

  constructor(
    private readonly source: WatchCacheSource,
    readonly prefix: string,
    options: Partial<WatchCacheOptions> = {},
  ) {
    this.options = { ...DEFAULT_WATCH_CACHE_OPTIONS, ...options };
    this.window = new EventRing(this.options.capacity);
    this.encodedPages = new EncodedPages(this.options.encodedListBytes);
    this.backoffMs = this.options.minBackoffMs;
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  get objectCount(): number {
    return this.state.size;
  }

  /** Starts a watch; fails with BadRequest, Gone, Timeout (too large) or the store's error. */
  async watch(request: CacheWatchRequest): Promise<CacheSubscription> {
    const from = parseWatchResourceVersion(request.resourceVersion);
    await this.ensureRunning(from);
    if (from !== undefined && !(await this.reaches(from))) throw tooLargeResourceVersion(from, this.revision);
    if (this.stopper.signal.aborted) throw new ApiError('ServiceUnavailable', 'the API server is shutting down');
    if (!this.running) return this.watch(request); // restarted (Gone) while waiting
    if (from !== undefined && from < this.oldest) throw tooOldResourceVersion(from, this.oldest);
    return this.subscribe(request, from);
  }

  /**
   * A LIST from the cache; undefined when the cache cannot answer it consistently (etcd is away,
   * the cache does not reach etcd's revision within `freshnessWaitMs`, a continuation's revision
   * is no longer the state's): the caller then reads etcd, as the Cacher delegates.
   * The page's entries are the cache's shared objects: read-only.
   */
  async list(request: CacheListRequest): Promise<CachePage | undefined> {
    const wanted = await this.readyFor(request).catch(storeFailureAsUndefined);
    if (wanted === undefined || !this.running || this.revision < wanted) return undefined;
    if (request.continue && this.lastChange > request.continue.rv) return undefined;
    const page = cutPage(this.matching(request), this.revision, request.limit, request.continue);
    return { ...page, stateVersion: this.stateVersion, filterKey: request.filterKey };
  }

  /**
   * The object at `key` as the cache last saw it, without waiting for anything: possibly behind
   * etcd, so only a first guess (a compare-and-swap checks it). Undefined when the cache does
   * not hold it or is not running; with `start`, a cache not running yet is started for next time.
   * The object is the cache's shared one: read-only.
   */
  peek(key: string, start = false): KubeObject | undefined {
    if (!this.running) return this.startForNextTime(start);
    return this.state.get(key)?.object;
  }

  /**
   * Every object of one namespace as the cache last saw it, with the revision the cache reflects,
   * without waiting for anything (as `peek`; the objects are shared: read-only). Undefined when
   * the cache is not running; with `start`, a cache not running yet is started for next time.
   */
  peekNamespace(namespace: string, start = false): { objects: KubeObject[]; revision: number } | undefined {
    if (!this.running) return this.startForNextTime(start);
    const objects: KubeObject[] = [];
    for (const cached of this.state.values()) if (cached.object.metadata.namespace === namespace) objects.push(cached.object);
    return { objects, revision: this.revision };
  }

  /** Ends every watcher and the store watch. Idempotent. */
  dispose(): void {
    if (this.stopper.signal.aborted) return;
    this.stopper.abort();
    this.stop();
    for (const wake of [...this.revisionWaiters]) wake();
  }

  /** A peek at a cache not running: starts it in the background when asked to; nothing to answer now. */
  private startForNextTime(start: boolean): undefined {
    if (start && !this.stopper.signal.aborted) void this.ensureRunning(undefined).catch(() => undefined);
    return undefined;
  }

  private subscribe(request: CacheWatchRequest, from: number | undefined): CacheSubscription {
    const initial = from === undefined ? this.snapshot(request.filter) : this.replay(request.filter, from);
    const watcher = new CacheWatcher({
      filter: request.filter,
      sink: request.sink,
      initial,
      startRevision: from ?? this.revision,
      queueLimit: this.options.queueLimit,
      cacheRevision: () => this.revision,
      onClosed: (closed) => this.watchers.delete(closed),
    });
    this.watchers.add(watcher);
    return watcher;
  }

  /** The state's entries the request's filter passes, in key order; shared by requests with the same filterKey while the state is unchanged. */
  private matching(request: CacheListRequest): CachedEntry[] {
    const key = request.filterKey;
    if (key === undefined) return matchingEntries(this.state, request.filter);
    const memo = this.matchingMemo.get(key);
    if (memo?.stateVersion === this.stateVersion) return memo.entries;
    const entries = matchingEntries(this.state, request.filter);
    this.matchingMemo.delete(key);
    if (this.matchingMemo.size >= MATCHING_MEMO_SIZE) this.matchingMemo.delete(this.matchingMemo.keys().next().value as string);
    this.matchingMemo.set(key, { stateVersion: this.stateVersion, entries });
    return entries;
  }

  private snapshot(filter: WatcherFilter): WatchEvent[] {
    const out: WatchEvent[] = [];
    for (const cached of this.state.values()) if (passes(filter, cached.object)) out.push(initialEvent(cached));
    return out;
  }

  private replay(filter: WatcherFilter, from: number): WatchEvent[] {
    const out: WatchEvent[] = [];
    for (const event of this.window.since((e) => e.revision > from)) {
      const translated = translate(event, filter);
      if (translated) out.push(translated);
    }
    return out;
  }

  /** Runs the cache and waits until it reaches the revision the request must see; returns that revision, or undefined if it is not reached. */
  private async readyFor(request: CacheListRequest): Promise<number | undefined> {
    const wanted = await this.mustSee(request);
    await this.ensureRunning(request.continue ? wanted : undefined);
    return (await this.reaches(wanted)) ? wanted : undefined;
  }

  /** A continuation's revision; none for "0"; else etcd's current one (a consistent read). */
  private async mustSee(request: CacheListRequest): Promise<number> {
    if (request.continue) return request.continue.rv;
    return request.resourceVersion === '0' ? 0 : this.source.currentRevision();
  }

  /** Starts the cache if it is not running: from `from` when given (so the first watch after a list finds its revision), else now. */
  private async ensureRunning(from: number | undefined): Promise<void> {
    if (this.running) return;
    if (this.stopper.signal.aborted) throw new ApiError('ServiceUnavailable', 'the API server is shutting down');
    this.starting ??= this.start(from).finally(() => (this.starting = undefined));
    await this.starting;
  }

  private async start(from: number | undefined): Promise<void> {
    const list = await this.listFrom(from);
    if (this.stopper.signal.aborted) return;
    this.state.clear();
    this.window.clear();
    this.stateChanged();
    for (const object of list.items) this.state.set(keyOf(this.prefix, object), new CachedObject(object));
    this.revision = list.revision;
    this.oldest = list.revision;
    this.lastChange = list.revision;
    this.running = true;
    this.follow(list.revision);
  }

  /** The state at `from` while etcd still has it (not compacted, not in the future), else the newest. */
  private async listFrom(from: number | undefined): Promise<ListResult<KubeObject>> {
    if (from === undefined) return this.source.list<KubeObject>(this.prefix);
    try {
      return await this.source.list<KubeObject>(this.prefix, { revision: from });
    } catch {
      return this.source.list<KubeObject>(this.prefix);
    }
  }

  /** Opens the store watch after `afterRevision`. */
  private follow(afterRevision: number): void {
    this.storeWatchesOpened++;
    const watch: StoreWatch = this.source.watch<KubeObject>(this.prefix, {
      afterRevision,
      onEvent: (event) => this.apply(event),
      onProgress: (revision) => this.advance(revision),
      onError: (err) => {
        if (this.storeWatch === watch) void this.onStoreWatchEnded(err);
      },
      signal: this.stopper.signal,
    });
    this.storeWatch = watch;
  }

  private apply(event: StoreEvent<KubeObject>): void {
    const prev = this.state.get(event.key);
    const current = new CachedObject(event.object);
    if (event.type === 'DELETED') this.state.delete(event.key);
    else this.state.set(event.key, current);
    this.stateChanged();
    const type = event.type === 'DELETED' ? 'DELETED' : prev ? 'MODIFIED' : 'ADDED';
    const cached: CacheEvent = { type, key: event.key, revision: event.revision, current, prev };
    const evicted = this.window.push(cached);
    if (evicted) this.oldest = evicted.revision;
    this.lastChange = event.revision;
    this.backoffMs = this.options.minBackoffMs;
    this.advance(event.revision);
    for (const watcher of [...this.watchers]) watcher.offer(cached);
  }

  /** Every memo of the state is stale from here on. */
  private stateChanged(): void {
    this.stateVersion++;
    this.matchingMemo.clear();
    this.encodedPages.clear();
  }

  private advance(revision: number): void {
    if (revision <= this.revision) return;
    this.revision = revision;
    for (const wake of [...this.revisionWaiters]) wake();
  }

  /**
   * Whether the cache reaches `revision` within `freshnessWaitMs`, asking etcd for progress
   * meanwhile (again every 100 ms: etcd answers a request only while the stream is caught up).
   */
  private async reaches(revision: number): Promise<boolean> {
    const deadline = AbortSignal.timeout(this.options.freshnessWaitMs);
    while (this.revision < revision && !deadline.aborted && !this.stopper.signal.aborted) {
      this.storeWatch?.requestProgress?.();
      await this.nextAdvance(withTimeout(deadline, PROGRESS_REQUEST_INTERVAL_MS));
    }
    return this.revision >= revision;
  }

  /** Resolves on the next advance of `revision`, or when `deadline` aborts. */
  private nextAdvance(deadline: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.revisionWaiters.delete(wake);
        deadline.removeEventListener('abort', wake);
        resolve();
      };
      this.revisionWaiters.add(wake);
      deadline.addEventListener('abort', wake, { once: true });
    });
  }

  private async onStoreWatchEnded(err: ApiError): Promise<void> {
    if (this.stopper.signal.aborted) return;
    if (err.code === 'Gone') {
      this.options.log(`watch cache ${this.prefix}: ${err.message}; ending its watches, it lists again on the next one`);
      return this.stop();
    }
    const wait = this.backoffMs;
    this.backoffMs = Math.min(wait * 2, MAX_BACKOFF_MS);
    this.options.log(`watch cache ${this.prefix}: ${err.code}: ${err.message}; watching again from ${this.revision} in ${wait} ms`);
    await sleep(wait, undefined, { signal: this.stopper.signal }).catch(() => undefined);
    if (!this.stopper.signal.aborted && this.running) this.follow(this.revision);
  }

  /** Back to "not running": the store watch released, every watcher ended, nothing kept. */
  private stop(): void {
    this.running = false;
    const watch = this.storeWatch;
    this.storeWatch = undefined;
    watch?.dispose();
    for (const watcher of [...this.watchers]) watcher.drop();
    this.state.clear();
    this.window.clear();
    this.stateChanged();
  }
}

/** A store failure (etcd away, a compacted revision, shutting down) means "read etcd instead"; anything else is a bug and is thrown. */
function storeFailureAsUndefined(err: unknown): undefined {
  if (err instanceof ApiError) return undefined;
  throw err;
}

/** The state's key for an object (its store key below the prefix). */
function keyOf(prefix: string, object: KubeObject): string {
  const { namespace, name = '' } = object.metadata;
  return namespace ? `${prefix}${namespace}/${name}` : `${prefix}${name}`;
}
