/**
 * Every Service and EndpointSlice of the cluster, streamed to one agent's session as
 * ServiceSync messages (the agent's kube-proxy and DNS need all namespaces): the full sets
 * first, then only what changed. Like PodSyncFeed, a burst of changes is coalesced for
 * `coalesceMs` into one message and each object is sent as it is at flush time; an object
 * whose resourceVersion was already sent is not sent again.
 */
import type { KubeObject } from '../../api/meta';
import type { EndpointSlice, Service } from '../../api/service-v1';
import type { ServiceSync } from '../../proto/generated/pikube/node/v1/ServiceSync';
import { guarded } from '../reader-guard';
import type { Disposable } from '../../base/disposable';
import { cacheKey, type ChangeHandler } from '../store/informer';

/** The part of an informer the feed reads. */
export interface ObjectCache<T extends KubeObject> {
  get(key: string): T | undefined;
  list(): T[];
  onChange(handler: ChangeHandler<T>): Disposable;
}

export interface ServiceSyncFeedOptions {
  services: ObjectCache<Service>;
  slices: ObjectCache<EndpointSlice>;
  send(sync: ServiceSync): void;
  /** Default 20 ms. */
  coalesceMs?: number;
  /** Where a failed flush is reported. Default console.warn. */
  log?: (message: string) => void;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The object's JSON without what no agent reads (managedFields, the last-applied annotation). */
export function encodeForAgent(object: KubeObject): Buffer {
  const { managedFields: _fields, annotations, ...meta } = object.metadata;
  const kept = annotations && Object.fromEntries(Object.entries(annotations).filter(([k]) => k !== LAST_APPLIED));
  const metadata = kept && Object.keys(kept).length > 0 ? { ...meta, annotations: kept } : meta;
  return Buffer.from(JSON.stringify({ ...object, metadata }));
}

/** What one kind's cache holds against what was sent of it: the full set, or the difference. */
class SentObjects<T extends KubeObject> {
  private readonly sent = new Map<string, string | undefined>();
  private readonly dirty = new Set<string>();

  constructor(private readonly cache: ObjectCache<T>) {}

  all(): Buffer[] {
    const objects = this.cache.list();
    for (const o of objects) this.sent.set(cacheKey(o), o.metadata.resourceVersion);
    return objects.map(encodeForAgent);
  }

  markDirty(object: T): void {
    this.dirty.add(cacheKey(object));
  }

  /** Upserts and removed keys since the last call. */
  changes(): { upserts: Buffer[]; removed: string[] } {
    const upserts: Buffer[] = [];
    const removed: string[] = [];
    for (const key of this.dirty) {
      const current = this.cache.get(key);
      if (current === undefined) {
        if (this.sent.delete(key)) removed.push(key);
      } else if (!this.sent.has(key) || this.sent.get(key) !== current.metadata.resourceVersion) {
        this.sent.set(key, current.metadata.resourceVersion);
        upserts.push(encodeForAgent(current));
      }
    }
    this.dirty.clear();
    return { upserts, removed };
  }
}

export class ServiceSyncFeed implements Disposable {
  private readonly services: SentObjects<Service>;
  private readonly slices: SentObjects<EndpointSlice>;
  private readonly subscriptions: Disposable[] = [];
  private timer?: NodeJS.Timeout;
  private disposed = false;

  constructor(private readonly opts: ServiceSyncFeedOptions) {
    this.services = new SentObjects(opts.services);
    this.slices = new SentObjects(opts.slices);
  }

  /** Sends both full sets now and follows changes until disposed. */
  start(): void {
    if (this.disposed || this.subscriptions.length > 0) return;
    this.subscriptions.push(
      this.opts.services.onChange((_type, svc) => this.changed(() => this.services.markDirty(svc))),
      this.opts.slices.onChange((_type, slice) => this.changed(() => this.slices.markDirty(slice))),
    );
    this.opts.send({ full: true, services_json: this.services.all(), endpoint_slices_json: this.slices.all(), removed_services: [], removed_endpoint_slices: [] });
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.subscriptions) s.dispose();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private changed(mark: () => void): void {
    mark();
    this.timer ??= setTimeout(() => guarded('service sync feed', this.opts.log ?? console.warn, () => this.flush()), this.opts.coalesceMs ?? 20);
  }

  private flush(): void {
    this.timer = undefined;
    if (this.disposed) return;
    const services = this.services.changes();
    const slices = this.slices.changes();
    if (services.upserts.length + services.removed.length + slices.upserts.length + slices.removed.length === 0) return;
    this.opts.send({
      full: false, services_json: services.upserts, endpoint_slices_json: slices.upserts,
      removed_services: services.removed, removed_endpoint_slices: slices.removed,
    });
  }
}
