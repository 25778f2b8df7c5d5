/**
 * What a controller has just written and its informer has not shown yet (Kubernetes'
 * ControllerExpectations, generalised from counts to the objects themselves): a controller
 * records each write under its own key, and `satisfied(key)` stays false until the informer
 * has seen every one, so a reconcile on a stale cache does not create, update or delete a
 * second time. Expectations expire after `ttlMs` (5 min, as Kubernetes'), in case an event
 * is lost; a key becoming satisfied, either way, is reported to `onSatisfied` (its queue).
 *
 * Objects are matched by uid; resourceVersions are compared as numbers, which holds for this
 * control plane's own stores (etcd mod revisions), never for clients.
 */
import type { KubeObject } from '../../../api/meta';
import { systemClock, type Clock } from '../../../base/clock';
import { DisposableStore, type Disposable } from '../../../base/disposable';
import { cacheKey, type ChangeType, type Informer } from '../../store/informer';

/** One write to wait for: the object under `objectKey` with `uid`, until `seen` holds. */
export interface Expectation {
  objectKey: string;
  uid: string;
  /**
   * `current`: the cached object with this uid, if the cache holds it; `deleted`: the
   * informer has just reported its deletion. (An object the cache does not hold yet is not
   * gone: a creation is typically not seen for a moment.)
   */
  seen(current: KubeObject | undefined, deleted: boolean): boolean;
}

/** A created or updated object: seen once the cache holds its uid at this resourceVersion or later (or it is deleted meanwhile). */
export function toSee(written: KubeObject): Expectation {
  const version = Number(written.metadata.resourceVersion);
  return { objectKey: cacheKey(written), uid: written.metadata.uid ?? '', seen: (current, deleted) => deleted || (current !== undefined && Number(current.metadata.resourceVersion) >= version) };
}

/** A deleted object (read from the cache): seen once the cache no longer holds its uid. */
export function toBeGone(deleted: KubeObject): Expectation {
  return { objectKey: cacheKey(deleted), uid: deleted.metadata.uid ?? '', seen: (current, gone) => gone || current === undefined };
}

/**
 * A deleted object whose deletion may be graceful (a pod on a node): seen once the cache shows
 * it terminating (a deletionTimestamp) or no longer holds it, as Kubernetes' controllers count
 * a pod marked for deletion as deleted.
 */
export function toBeDeleting(deleted: KubeObject): Expectation {
  return { objectKey: cacheKey(deleted), uid: deleted.metadata.uid ?? '', seen: (current, gone) => gone || current === undefined || Boolean(current.metadata.deletionTimestamp) };
}

export const EXPECTATIONS_TTL_MS = 5 * 60_000;

export interface ExpectationsOptions {
  clock?: Clock;
  ttlMs?: number;
  /** A key's last pending expectation was seen, or they expired. */
  onSatisfied?: (key: string) => void;
}

interface Pending {
  expected: Expectation[];
  expiry: Disposable;
}

export class Expectations<T extends KubeObject> implements Disposable {
  private readonly pending = new Map<string, Pending>();
  private readonly lifetime = new DisposableStore();
  private readonly clock: Clock;

  constructor(private readonly informer: Informer<T>, private readonly opts: ExpectationsOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.lifetime.add(informer.onChange((type, object) => this.observe(type, object)));
  }

  /** Records writes made for `key`; any the cache already shows are dropped at once. */
  expect(key: string, ...expected: Expectation[]): void {
    const unseen = expected.filter((e) => !e.seen(this.cached(e), false));
    if (unseen.length === 0) return;
    const current = this.pending.get(key);
    current?.expiry.dispose();
    const expiry = this.clock.schedule(() => this.expire(key), this.opts.ttlMs ?? EXPECTATIONS_TTL_MS);
    this.pending.set(key, { expected: [...(current?.expected ?? []), ...unseen], expiry });
  }

  /** True when nothing written for `key` is still unseen (or what was has expired). */
  satisfied(key: string): boolean {
    return !this.pending.has(key);
  }

  /** Forgets what `key` waits for (its write failed, or the object it controls is gone). */
  forget(key: string): void {
    this.pending.get(key)?.expiry.dispose();
    this.pending.delete(key);
  }

  dispose(): void {
    for (const key of [...this.pending.keys()]) this.forget(key);
    this.lifetime.dispose();
  }

  private cached(e: Expectation): KubeObject | undefined {
    const current = this.informer.get(e.objectKey);
    return current?.metadata.uid === e.uid ? current : undefined;
  }

  private observe(type: ChangeType, object: T): void {
    const objectKey = cacheKey(object);
    for (const [key, entry] of [...this.pending]) {
      if (!entry.expected.some((e) => e.objectKey === objectKey)) continue;
      const deleted = (e: Expectation): boolean => type === 'DELETED' && object.metadata.uid === e.uid;
      entry.expected = entry.expected.filter((e) => e.objectKey !== objectKey || !e.seen(deleted(e) ? undefined : this.cached(e), deleted(e)));
      if (entry.expected.length === 0) this.satisfy(key);
    }
  }

  private expire(key: string): void {
    if (this.pending.has(key)) this.satisfy(key);
  }

  private satisfy(key: string): void {
    this.forget(key);
    this.opts.onSatisfied?.(key);
  }
}
