/**
 * An in-memory event source for watch-cache unit tests: a revision counter, current objects,
 * and the watches open on it. `lagging` holds events back (a store watch behind etcd) until
 * `deliverHeld()`; `silent` leaves progress requests unanswered; `away` fails every read as
 * etcd does when it is unreachable.
 */
import { ApiError } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import type { WatchCacheSource } from '../../control-plane/apiserver/watch-cache';
import type { ListResult, StoreEvent, StoreWatch, WatchOptions } from '../../control-plane/store/store';

export const PODS_PREFIX = '/registry/core/pods/';

export class MemorySource implements WatchCacheSource {
  revision = 100;
  readonly objects = new Map<string, KubeObject>();
  readonly watches = new Set<WatchOptions<KubeObject>>();
  watchesOpened = 0;
  listedAt: Array<number | undefined> = [];
  currentRevisionReads = 0;
  lagging = false;
  silent = false;
  away = false;
  private held: StoreEvent<KubeObject>[] = [];

  async list<T extends KubeObject>(_prefix: string, options: { revision?: number } = {}): Promise<ListResult<T>> {
    this.failIfAway();
    this.listedAt.push(options.revision);
    if (options.revision !== undefined && options.revision !== this.revision) throw new ApiError('Gone', 'compacted');
    return { items: [...this.objects.values()] as T[], revision: this.revision };
  }

  async currentRevision(): Promise<number> {
    this.failIfAway();
    this.currentRevisionReads++;
    return this.revision;
  }

  watch<T extends KubeObject>(_prefix: string, options: WatchOptions<T>): StoreWatch {
    const o = options as unknown as WatchOptions<KubeObject>;
    this.watchesOpened++;
    this.watches.add(o);
    return {
      dispose: () => void this.watches.delete(o),
      requestProgress: () => {
        if (!this.silent && !this.lagging) queueMicrotask(() => o.onProgress?.(this.revision));
      },
    };
  }

  put(name: string, labels: Record<string, string> = {}, namespace = 'default'): KubeObject {
    const key = `${PODS_PREFIX}${namespace}/${name}`;
    const existed = this.objects.has(key);
    const object: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels, resourceVersion: String(++this.revision) } };
    this.objects.set(key, object);
    this.emit({ type: existed ? 'MODIFIED' : 'ADDED', key, object, revision: this.revision });
    return object;
  }

  remove(name: string, namespace = 'default'): void {
    const key = `${PODS_PREFIX}${namespace}/${name}`;
    const last = this.objects.get(key) as KubeObject;
    this.objects.delete(key);
    const object = { ...last, metadata: { ...last.metadata, resourceVersion: String(++this.revision) } };
    this.emit({ type: 'DELETED', key, object, revision: this.revision });
  }

  /** Delivers the events `lagging` held back, in order. */
  deliverHeld(): void {
    this.lagging = false;
    const held = this.held;
    this.held = [];
    for (const event of held) for (const w of this.watches) void w.onEvent(event);
  }

  private emit(event: StoreEvent<KubeObject>): void {
    if (this.lagging) return void this.held.push(event);
    for (const w of this.watches) void w.onEvent(event);
  }

  private failIfAway(): void {
    if (this.away) throw new ApiError('ServiceUnavailable', 'etcd is unavailable');
  }
}
