/**
 * A hand-written informer stand-in for the node view and the object feed: a map plus
 * synchronous change handlers, called as the real informer calls them (old state on MODIFIED
 * and DELETED), each stored object given a new resourceVersion.
 */
import type { KubeObject } from '../../api/meta';
import type { ObjectCache } from '../../control-plane/nodes/node-view';
import { cacheKey, type ChangeHandler, type ChangeType } from '../../control-plane/store/informer';

export class FakeObjectCache<T extends KubeObject> implements ObjectCache<T> {
  private readonly objects = new Map<string, T>();
  private readonly handlers = new Set<ChangeHandler<T>>();
  private rv = 1;

  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  list(): T[] {
    return [...this.objects.values()];
  }

  onChange(handler: ChangeHandler<T>): { dispose(): void } {
    this.handlers.add(handler);
    return { dispose: () => void this.handlers.delete(handler) };
  }

  put(object: T): T {
    const stored = { ...object, metadata: { ...object.metadata, resourceVersion: String(++this.rv) } };
    const old = this.objects.get(cacheKey(stored));
    this.objects.set(cacheKey(stored), stored);
    this.emit(old ? 'MODIFIED' : 'ADDED', stored, old);
    return stored;
  }

  remove(key: string): void {
    const old = this.objects.get(key);
    this.objects.delete(key);
    if (old) this.emit('DELETED', old, old);
  }

  /** A change event for an object whose stored state did not change (a resync). */
  touch(key: string): void {
    const o = this.objects.get(key);
    if (o) this.emit('MODIFIED', o, o);
  }

  /** How many handlers are subscribed. */
  get subscribers(): number {
    return this.handlers.size;
  }

  private emit(type: ChangeType, object: T, old?: T): void {
    for (const h of this.handlers) h(type, object, old);
  }
}
