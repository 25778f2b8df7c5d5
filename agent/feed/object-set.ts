/**
 * The agent's copy of one resource from the object feed, by `namespace/name` (or `name`).
 * It outlives sessions: while the control plane is away what it holds stays as it was (pods
 * keep running, rules and DNS keep answering); only the next full set replaces it.
 */
import type { KubeObject } from '../../api/meta';
import type { ObjectChange } from './feed-batch';

/** The feed's key of an object (the control plane's cache key). */
export function feedKey(object: KubeObject): string {
  const { namespace, name = '' } = object.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

/** Same object for the agent's purposes: same uid and resourceVersion (or the same JSON without one). */
function sameObject(a: KubeObject, b: KubeObject): boolean {
  if (a.metadata.uid !== b.metadata.uid) return false;
  const [rvA, rvB] = [a.metadata.resourceVersion, b.metadata.resourceVersion];
  if (rvA !== undefined && rvB !== undefined) return rvA === rvB;
  return JSON.stringify(a) === JSON.stringify(b);
}

export class ObjectSet<T extends KubeObject> {
  private readonly byKey = new Map<string, T>();

  /** Applies one change (none: nothing); returns whether the set changed. */
  apply(change: ObjectChange<T> | undefined): boolean {
    if (!change) return false;
    return change.full ? this.replace(change.objects) : this.patch(change.objects, change.removed);
  }

  get(key: string): T | undefined {
    return this.byKey.get(key);
  }

  get size(): number {
    return this.byKey.size;
  }

  list(): T[] {
    return [...this.byKey.values()];
  }

  private replace(objects: T[]): boolean {
    const next = new Map(objects.map((o) => [feedKey(o), o]));
    let changed = next.size !== this.byKey.size;
    for (const [key, object] of next) {
      const old = this.byKey.get(key);
      if (!old || !sameObject(old, object)) changed = true;
    }
    this.byKey.clear();
    for (const [key, object] of next) this.byKey.set(key, object);
    return changed;
  }

  /** Removals first, then upserts: a recreated object (removal and upsert of one key) is one change. */
  private patch(objects: T[], removed: string[]): boolean {
    const touched = new Set([...removed, ...objects.map(feedKey)]);
    const before = new Map([...touched].map((key) => [key, this.byKey.get(key)]));
    for (const key of removed) this.byKey.delete(key);
    for (const object of objects) this.byKey.set(feedKey(object), object);
    return [...touched].some((key) => !sameOrBothAbsent(before.get(key), this.byKey.get(key)));
  }
}

function sameOrBothAbsent(a: KubeObject | undefined, b: KubeObject | undefined): boolean {
  return a === undefined || b === undefined ? a === b : sameObject(a, b);
}
