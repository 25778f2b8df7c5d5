/**
 * One resource of a node's view against what was sent of it: the full set, or the difference
 * since. Level-triggered: changes only mark keys dirty, and at flush time each dirty key's
 * cached object is compared with what was sent (uid, and resourceVersion or the projected
 * rendering), so an object changed several times is sent once as it is now and an event that
 * changed nothing sends nothing.
 */
import type { KubeObject } from '../../api/meta';
import type { ObjectSync } from '../../proto/generated/pikube/node/v1/ObjectSync';
import type { SkipReporter } from '../reader-guard';
import { DisposableStore, type Disposable } from '../../base/disposable';
import { cacheKey } from '../store/informer';
import { withoutClutter, type ViewEntry } from './node-view';

interface Sent {
  uid: string;
  /** The resourceVersion, or the projected JSON for an entry with `project`. */
  version: string | undefined;
}

interface Rendered {
  json: Buffer;
  sent: Sent;
}

export class SentObjects {
  private readonly sent = new Map<string, Sent>();
  private readonly dirty = new Set<string>();

  constructor(private readonly entry: ViewEntry, private readonly nodeName: string, private readonly skipped: SkipReporter) {}

  /**
   * Marks the key of every change that may concern the node, then calls `onDirty`; for an
   * entry that follows the pods, also the keys a changed pod references before and after.
   */
  follow(onDirty: () => void): Disposable {
    const subscriptions = new DisposableStore();
    subscriptions.add(this.entry.cache.onChange((_type, object) => {
      const key = cacheKey(object);
      if (!this.sent.has(key) && !this.selects(object)) return;
      this.dirty.add(key);
      onDirty();
    }));
    const follows = this.entry.follows;
    if (follows) subscriptions.add(follows.cache.onChange((type, pod, old) => {
      // Only keys a pod starts or stops giving the node can change what it may read: a pod's
      // status updates touch no ConfigMap.
      const before = new Set(old || type === 'DELETED' ? follows.keysOf(old ?? pod, this.nodeName) : []);
      const after = new Set(type === 'DELETED' ? [] : follows.keysOf(pod, this.nodeName));
      const keys = [...before, ...after].filter((key) => !(before.has(key) && after.has(key)));
      for (const key of keys) this.dirty.add(key);
      if (keys.length > 0) onDirty();
    }));
    return subscriptions;
  }

  /** Everything the node may read now; what was sent before is forgotten. */
  full(): ObjectSync {
    this.sent.clear();
    this.dirty.clear();
    const objects: Buffer[] = [];
    for (const object of this.entry.cache.list()) {
      const rendered = this.render(object);
      if (!rendered) continue;
      this.sent.set(cacheKey(object), rendered.sent);
      objects.push(rendered.json);
    }
    return { resource: this.entry.resource, full: true, objects_json: objects, removed: [] };
  }

  /** What changed since the last call; undefined when nothing did. */
  changes(): ObjectSync | undefined {
    const objects: Buffer[] = [];
    const removed: string[] = [];
    for (const key of this.dirty) this.diff(key, objects, removed);
    this.dirty.clear();
    if (objects.length === 0 && removed.length === 0) return undefined;
    return { resource: this.entry.resource, full: false, objects_json: objects, removed };
  }

  /** A removal when the sent object left the view or was recreated (new uid); an upsert when it differs. */
  private diff(key: string, objects: Buffer[], removed: string[]): void {
    const current = this.entry.cache.get(key);
    const rendered = current && this.render(current);
    const previous = this.sent.get(key);
    if (previous && (!rendered || previous.uid !== rendered.sent.uid)) {
      removed.push(key);
      this.sent.delete(key);
    }
    if (!rendered || this.sent.get(key)?.version === rendered.sent.version) return;
    objects.push(rendered.json);
    this.sent.set(key, rendered.sent);
  }

  private selects(object: KubeObject): boolean {
    try {
      return this.entry.select(object, this.nodeName);
    } catch (err: unknown) {
      this.skipped.report(object, err);
      return false;
    }
  }

  /** What the node is sent of `object`; undefined when it may not read it or it is malformed (reported). */
  private render(object: KubeObject): Rendered | undefined {
    if (!this.selects(object)) return undefined;
    try {
      const shown = this.entry.project ? this.entry.project(object) : withoutClutter(object);
      const text = JSON.stringify(shown);
      const version = this.entry.project ? text : object.metadata.resourceVersion;
      return { json: Buffer.from(text), sent: { uid: object.metadata.uid ?? '', version } };
    } catch (err: unknown) {
      this.skipped.report(object, err);
      return undefined;
    }
  }
}
