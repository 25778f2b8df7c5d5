/**
 * Recording core/v1 Events for the control plane's components (scheduler, controllers, node
 * service), as client-go's event recorder and correlator do: an event is named
 * `<object>.<hex nanoseconds>` in the object's namespace (`default` for cluster-scoped
 * objects); an identical event (same object, type, reason, message and source) within the
 * cache's memory bumps `count` and `lastTimestamp` of the Event already written instead of
 * writing a new one. Recording never throws: a failure is logged and the caller goes on.
 */
import { isApiError } from '../../api/errors';
import type { Event, ObjectReference } from '../../api/core-v1';
import type { KubeObject } from '../../api/meta';
import { timestamp } from './object-meta';
import type { Registry } from './registry';

export interface EventSource {
  /** `default-scheduler`, `deployment-controller`, `kubelet`... */
  component: string;
  /** The node or replica reporting. */
  host?: string;
}

export interface EventRecorderOptions {
  registry: Registry;
  source: EventSource;
  now?: () => Date;
  log?: (message: string) => void;
  /** Distinct events remembered for de-duplication (client-go's LRU holds 4096). */
  cacheSize?: number;
}

export type EventType = 'Normal' | 'Warning';

interface Recorded {
  namespace: string;
  name: string;
  count: number;
}

/** The reference an Event carries for an object (or a reference given as is). */
export function referenceTo(obj: KubeObject | ObjectReference): ObjectReference {
  if (!('metadata' in obj)) return obj;
  const { name, namespace, uid, resourceVersion } = obj.metadata;
  return { apiVersion: obj.apiVersion, kind: obj.kind, name, namespace, uid, resourceVersion };
}

export class EventRecorder {
  private readonly recorded = new Map<string, Recorded>();
  /** Records of one key run one after another, so repeats count instead of racing to create. */
  private readonly pending = new Map<string, Promise<void>>();
  private readonly now: () => Date;
  private readonly log: (message: string) => void;
  private readonly cacheSize: number;

  constructor(private readonly options: EventRecorderOptions) {
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? ((m) => console.warn(m));
    this.cacheSize = options.cacheSize ?? 4096;
  }

  /** Resolves once the event is written (or its failure logged). */
  record(involved: KubeObject | ObjectReference, type: EventType, reason: string, message: string): Promise<void> {
    const ref = referenceTo(involved);
    const key = this.keyOf(ref, type, reason, message);
    const previous = this.pending.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.write(key, ref, type, reason, message)).catch((err: unknown) => {
      this.log(`event ${reason} for ${ref.kind ?? ''} ${ref.namespace ?? ''}/${ref.name ?? ''} not recorded: ${(err as Error).message}`);
    });
    this.pending.set(key, next);
    void next.finally(() => this.pending.get(key) === next && this.pending.delete(key));
    return next;
  }

  private keyOf(ref: ObjectReference, type: EventType, reason: string, message: string): string {
    const { component, host = '' } = this.options.source;
    return JSON.stringify([component, host, ref.kind, ref.namespace, ref.name, ref.fieldPath, ref.uid, ref.apiVersion, type, reason, message]);
  }

  private async write(key: string, ref: ObjectReference, type: EventType, reason: string, message: string): Promise<void> {
    const seen = this.recorded.get(key);
    if (seen && (await this.bump(seen))) return this.remember(key, { ...seen, count: seen.count + 1 });
    const created = await this.create(ref, type, reason, message);
    this.remember(key, { namespace: created.metadata.namespace ?? '', name: created.metadata.name ?? '', count: 1 });
  }

  /** Counts a repeat on the Event already written; false when that Event is gone. */
  private async bump(seen: Recorded): Promise<boolean> {
    const patch = { count: seen.count + 1, lastTimestamp: timestamp(this.now()) };
    try {
      await this.options.registry.patch('events', seen.namespace, seen.name, 'merge-patch', patch);
      return true;
    } catch (err: unknown) {
      if (isApiError(err, 'NotFound')) return false;
      throw err;
    }
  }

  private create(ref: ObjectReference, type: EventType, reason: string, message: string): Promise<Event> {
    const now = this.now();
    const namespace = ref.namespace || 'default';
    const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000));
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${ref.name ?? 'unknown'}.${nanos.toString(16)}`, namespace },
      involvedObject: ref,
      reason,
      message,
      type,
      source: this.options.source,
      firstTimestamp: timestamp(now),
      lastTimestamp: timestamp(now),
      count: 1,
      eventTime: null,
      reportingComponent: this.options.source.component,
      reportingInstance: this.options.source.host ?? '',
    };
    return this.options.registry.create<Event>('events', namespace, event);
  }

  /** Least recently recorded first out once the cache is full. */
  private remember(key: string, entry: Recorded): void {
    this.recorded.delete(key);
    this.recorded.set(key, entry);
    if (this.recorded.size > this.cacheSize) this.recorded.delete(this.recorded.keys().next().value as string);
  }
}
