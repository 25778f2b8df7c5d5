/**
 * The Store in memory, with etcd's semantics as far as the Store interface shows them: one
 * revision counter for every write, `resourceVersion` the key's mod revision, compare-and-swap
 * misses as values, a DELETED event carrying the last state at the deletion's revision, watches
 * that resume from a revision (Gone once it is compacted away) and drop a subscriber that falls
 * too far behind. For unit tests of what runs above the Store (informers, the registry,
 * controllers): no etcd, no timers. The store-contract tests hold it and EtcdStore to the same
 * behaviour.
 */
import { ApiError } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import { BoundedDelivery } from './bounded-delivery';
import { decodeObject, encodeObject } from './etcd-codec';
import type { ListResult, Store, StoreEvent, StoreWatch, TxnResult, TxnWrite, WatchOptions, WriteResult } from './store';
import { alreadyExistsAt, checkRevision } from './store-checks';

export interface MemoryStoreOptions {
  /** Events a watch subscriber may leave unprocessed before it is dropped. Default 1000. */
  watchBufferSize?: number;
  /** Events kept for watches that resume from an older revision. Default 10 000. */
  historySize?: number;
}

interface Entry {
  value: Buffer;
  createRevision: number;
  modRevision: number;
}

interface Subscriber {
  prefix: string;
  delivery: BoundedDelivery<StoreEvent>;
  options: WatchOptions<KubeObject>;
  closed: boolean;
  onAbort?: () => void;
}

export class MemoryStore implements Store {
  private readonly entries = new Map<string, Entry>();
  private readonly subscribers = new Set<Subscriber>();
  private history: StoreEvent[] = [];
  private revision = 1;
  /** The oldest revision still watchable (etcd's compact revision): a watch must start at or after it. */
  private compacted = 0;
  private readonly bufferSize: number;
  private readonly historySize: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.bufferSize = options.watchBufferSize ?? 1_000;
    this.historySize = options.historySize ?? 10_000;
  }

  async create<T extends KubeObject>(key: string, object: T): Promise<T> {
    if (this.entries.has(key)) throw alreadyExistsAt(key, object);
    return this.put(key, object) as T;
  }

  async get<T extends KubeObject>(key: string): Promise<T | undefined> {
    return this.read<T>(key);
  }

  async list<T extends KubeObject>(prefix: string, options: { revision?: number } = {}): Promise<ListResult<T>> {
    if (options.revision !== undefined && options.revision !== this.revision) {
      throw new ApiError('Gone', `the memory store lists only at its current revision ${this.revision}, not ${options.revision}`);
    }
    const keys = [...this.entries.keys()].filter((k) => k.startsWith(prefix)).sort();
    return { items: keys.map((k) => this.read<T>(k) as T), revision: this.revision };
  }

  async update<T extends KubeObject>(key: string, object: T, expectedRevision: number): Promise<WriteResult<T>> {
    checkRevision(expectedRevision);
    if (this.entries.get(key)?.modRevision !== expectedRevision) return { ok: false, current: this.read<T>(key) };
    return { ok: true, object: this.put(key, object) as T };
  }

  async delete<T extends KubeObject>(key: string, expectedRevision?: number): Promise<WriteResult<T>> {
    if (expectedRevision !== undefined) checkRevision(expectedRevision);
    const entry = this.entries.get(key);
    if (!entry || (expectedRevision !== undefined && entry.modRevision !== expectedRevision)) return { ok: false, current: this.read<T>(key) };
    return { ok: true, object: this.remove(key, entry) as T };
  }

  async commit(writes: readonly TxnWrite[]): Promise<TxnResult> {
    const failed = writes.filter((w) => !this.conditionHolds(w)).map((w) => w.key);
    if (failed.length > 0) return { ok: false, failed };
    const revision = ++this.revision;
    for (const write of writes) this.apply(write, revision);
    return { ok: true, revision };
  }

  watch<T extends KubeObject>(prefix: string, options: WatchOptions<T>): StoreWatch {
    checkRevision(options.afterRevision, 0);
    const subscriber = this.subscribe(prefix, options as unknown as WatchOptions<KubeObject>);
    if (options.signal?.aborted) return { dispose: () => undefined };
    if (options.afterRevision + 1 < this.compacted) {
      queueMicrotask(() => this.end(subscriber, new ApiError('Gone', `too old resource version: ${options.afterRevision} (${this.compacted - 1})`)));
    } else {
      for (const event of this.history.filter((e) => e.revision > options.afterRevision)) this.offer(subscriber, event);
    }
    return {
      dispose: () => this.closeWatch(subscriber),
      requestProgress: () => queueMicrotask(() => !subscriber.closed && options.onProgress?.(this.revision)),
    };
  }

  async currentRevision(): Promise<number> {
    return this.revision;
  }

  /** Forgets history before `revision`: watches that would start before it end with Gone, as after an etcd compaction. */
  compact(revision = this.revision): void {
    this.compacted = revision;
    this.history = this.history.filter((e) => e.revision >= revision);
  }

  /** Ends every watch with `err`, as a lost etcd does (ServiceUnavailable). */
  failWatches(err: ApiError): void {
    for (const subscriber of [...this.subscribers]) this.end(subscriber, err);
  }

  /** Ends every watch (without onError). */
  async close(): Promise<void> {
    for (const subscriber of [...this.subscribers]) this.closeWatch(subscriber);
  }

  private read<T extends KubeObject>(key: string): T | undefined {
    const entry = this.entries.get(key);
    return entry && decodeObject<T>(entry.value, entry.modRevision);
  }

  private put(key: string, object: KubeObject, revision = ++this.revision): KubeObject {
    const existing = this.entries.get(key);
    const entry: Entry = { value: encodeObject(object), createRevision: existing?.createRevision ?? revision, modRevision: revision };
    this.entries.set(key, entry);
    const stored = decodeObject(entry.value, revision);
    this.publish({ type: existing ? 'MODIFIED' : 'ADDED', key, object: stored, revision });
    return decodeObject(entry.value, revision);
  }

  private remove(key: string, entry: Entry, revision = ++this.revision): KubeObject {
    this.entries.delete(key);
    this.publish({ type: 'DELETED', key, object: decodeObject(entry.value, revision), revision });
    return decodeObject(entry.value, revision);
  }

  private conditionHolds(write: TxnWrite): boolean {
    const entry = this.entries.get(write.key);
    if (write.op === 'create') return entry === undefined;
    if (write.op === 'delete' && write.expectedRevision === undefined) return true;
    return entry !== undefined && entry.modRevision === write.expectedRevision;
  }

  private apply(write: TxnWrite, revision: number): void {
    if (write.op !== 'delete') return void this.put(write.key, write.object, revision);
    const entry = this.entries.get(write.key);
    if (entry) this.remove(write.key, entry, revision);
  }

  private subscribe(prefix: string, options: WatchOptions<KubeObject>): Subscriber {
    const subscriber: Subscriber = {
      prefix, options, closed: false,
      delivery: new BoundedDelivery<StoreEvent>(this.bufferSize, (e) => options.onEvent(e), () => undefined),
    };
    if (options.signal?.aborted) return subscriber;
    subscriber.onAbort = (): void => this.closeWatch(subscriber);
    options.signal?.addEventListener('abort', subscriber.onAbort, { once: true });
    this.subscribers.add(subscriber);
    return subscriber;
  }

  /** Events reach watches after the write has returned, as etcd's do. */
  private publish(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historySize) this.compact((this.history[0]?.revision ?? 0) + 1);
    for (const subscriber of this.subscribers) if (event.key.startsWith(subscriber.prefix)) queueMicrotask(() => this.offer(subscriber, event));
  }

  private offer(subscriber: Subscriber, event: StoreEvent): void {
    if (subscriber.closed || !event.key.startsWith(subscriber.prefix)) return;
    if (subscriber.delivery.push(structuredClone(event))) return;
    const limit = this.bufferSize;
    this.closeWatch(subscriber);
    subscriber.options.onError(new ApiError('Gone', `watch dropped: the subscriber fell more than ${limit} events behind; list again and watch from the list's resourceVersion`));
  }

  private end(subscriber: Subscriber, err: ApiError): void {
    if (subscriber.closed) return;
    this.closeWatch(subscriber, false);
    subscriber.delivery.finish(() => subscriber.options.onError(err));
  }

  private closeWatch(subscriber: Subscriber, stopDelivery = true): void {
    if (subscriber.closed) return;
    subscriber.closed = true;
    if (subscriber.onAbort) subscriber.options.signal?.removeEventListener('abort', subscriber.onAbort);
    this.subscribers.delete(subscriber);
    if (stopDelivery) subscriber.delivery.stop();
  }
}

