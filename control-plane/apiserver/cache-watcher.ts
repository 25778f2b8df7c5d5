/**
 * One API watch on a watch cache (the apiserver's cacheWatcher): it filters the cache's shared
 * events for its client and holds a small bounded queue of references to them while the client
 * is busy (STYLE rule 16). A client that leaves more than `queueLimit` events waiting is
 * dropped: its stream just ends, as Kubernetes ends a watcher that does not keep up, and the
 * client watches again from the last resourceVersion it saw (or lists again if that is gone).
 *
 * Selector semantics are the cacher's (convertToWatchEvent): an object that starts matching
 * arrives as ADDED, one that stops matching as DELETED with its previous state at the event's
 * resourceVersion.
 */
import type { KubeObject } from '../../api/meta';
import type { Selection } from '../registry/selection';

/**
 * A state of an object as the cache holds it; its JSON is made once, for every watcher, and its
 * UTF-8 bytes once, for every LIST that answers with it (made on first use: 1.3 KB more for a
 * Pending pod).
 */
export class CachedObject {
  private encoded?: string;
  private utf8?: Buffer;

  constructor(readonly object: KubeObject) {}

  json(): string {
    return (this.encoded ??= JSON.stringify(this.object));
  }

  /** `json()` as UTF-8. */
  bytes(): Buffer {
    return (this.utf8 ??= Buffer.from(this.json(), 'utf8'));
  }
}

/** A change as the cache keeps it: the new state and the one before. */
export interface CacheEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  key: string;
  revision: number;
  /** The new state; for DELETED the last state, at the deletion's revision. */
  current: CachedObject;
  /** The state before the change, when the cache had one. */
  prev?: CachedObject;
}

/** What one watcher's client hears. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  revision: number;
  /** The object's JSON shared by every watcher; absent when the object was made for this watcher. */
  json?: () => string;
}

export interface WatcherFilter {
  /** Only this namespace's objects; undefined for all. */
  namespace?: string;
  selection: Selection;
}

/** Where a watcher's events go: the HTTP stream. */
export interface WatchSink {
  /** Writes one event; false when the client is busy: nothing more is sent until `resume()`. */
  send(event: WatchEvent): boolean;
  /** The initial events have all been sent (for the `k8s.io/initial-events-end` bookmark); false as for `send`. */
  initialEventsEnd?(revision: number): boolean;
  /** The cache ended the watch (the client fell behind, or the cache restarted). Called at most once. */
  end(): void;
}

export interface CacheSubscription {
  /** The revision the watch starts after (what a bookmark names before any event). */
  readonly startRevision: number;
  /** The newest revision this client is known to be caught up to, for bookmarks. */
  bookmarkRevision(): number;
  /** The client can take more: sends what waits (the first call starts the watch). */
  resume(): void;
  /** Stops the watch without calling the sink's `end`. Idempotent. */
  dispose(): void;
}

export function passes(filter: WatcherFilter, object: KubeObject | undefined): boolean {
  if (!object) return false;
  if (filter.namespace !== undefined && object.metadata.namespace !== filter.namespace) return false;
  return filter.selection.everything || filter.selection.matches(object);
}

/** The cache's event as this watcher's client should hear it, or undefined. */
export function translate(event: CacheEvent, filter: WatcherFilter): WatchEvent | undefined {
  const now = event.type !== 'DELETED' && passes(filter, event.current.object);
  const before = event.prev ? passes(filter, event.prev.object) : event.type === 'DELETED' && passes(filter, event.current.object);
  if (now) return shared(before ? 'MODIFIED' : 'ADDED', event.current, event.revision);
  if (!before) return undefined;
  if (event.type === 'DELETED') return shared('DELETED', event.current, event.revision);
  const prev = event.prev?.object as KubeObject;
  const object = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(event.revision) } };
  return { type: 'DELETED', object, revision: event.revision };
}

/** A current object as an initial ADDED event. */
export function initialEvent(cached: CachedObject): WatchEvent {
  return shared('ADDED', cached, Number(cached.object.metadata.resourceVersion) || 0);
}

function shared(type: WatchEvent['type'], cached: CachedObject, revision: number): WatchEvent {
  return { type, object: cached.object, revision, json: () => cached.json() };
}

export interface CacheWatcherParams {
  filter: WatcherFilter;
  sink: WatchSink;
  /** Events from the cache's state or window that come first. */
  initial: WatchEvent[];
  startRevision: number;
  queueLimit: number;
  /** The cache's newest revision. */
  cacheRevision: () => number;
  /** Called once the watcher is done, whichever way. */
  onClosed: (watcher: CacheWatcher) => void;
}

export class CacheWatcher implements CacheSubscription {
  readonly startRevision: number;
  private initial: WatchEvent[];
  private nextInitial = 0;
  private pending: WatchEvent[] = [];
  private lastRevision: number;
  /** True until the first `resume()`, and while the client is busy. */
  private blocked = true;
  private closed = false;
  private flushing = false;
  private initialAnnounced = false;

  constructor(private readonly params: CacheWatcherParams) {
    this.startRevision = params.startRevision;
    this.lastRevision = params.startRevision;
    this.initial = params.initial;
  }

  /** A change from the cache, in revision order. */
  offer(event: CacheEvent): void {
    if (this.closed || event.revision <= this.startRevision) return;
    const translated = translate(event, this.params.filter);
    if (!translated) return;
    if (this.pending.length >= this.params.queueLimit) return this.drop();
    this.pending.push(translated);
    if (!this.blocked) this.flush();
  }

  bookmarkRevision(): number {
    const idle = this.nextInitial >= this.initial.length && this.pending.length === 0;
    return idle ? Math.max(this.lastRevision, this.params.cacheRevision()) : this.lastRevision;
  }

  resume(): void {
    if (this.closed) return;
    this.blocked = false;
    this.flush();
  }

  /** Ends the watch from the cache's side: the sink hears `end()`. */
  drop(): void {
    if (this.closed) return;
    this.close();
    this.params.sink.end();
  }

  dispose(): void {
    this.close();
  }

  private flush(): void {
    if (this.flushing) return; // a sink that resumes from inside send
    this.flushing = true;
    try {
      while (!this.blocked && !this.closed) {
        if (!this.initialAnnounced && this.nextInitial >= this.initial.length) {
          this.initialAnnounced = true;
          if (this.params.sink.initialEventsEnd?.(this.startRevision) === false) this.blocked = true;
          continue;
        }
        const event = this.take();
        if (!event) break;
        this.lastRevision = Math.max(this.lastRevision, event.revision);
        if (!this.params.sink.send(event)) this.blocked = true;
      }
    } finally {
      this.flushing = false;
    }
  }

  private take(): WatchEvent | undefined {
    if (this.nextInitial < this.initial.length) {
      const event = this.initial[this.nextInitial++];
      if (this.nextInitial === this.initial.length) {
        this.initial = []; // the snapshot's references go as soon as they are sent
        this.nextInitial = 0;
      }
      return event;
    }
    return this.pending.shift();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.initial = [];
    this.pending = [];
    this.params.onClosed(this);
  }
}
