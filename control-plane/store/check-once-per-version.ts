/**
 * The stored-object check runs once per object version, not once per read: etcd never changes
 * the bytes of a key at a revision, so a version that passed stays good. A LIST of 1,000 pods
 * re-reads 1,000 unchanged versions; without this each read walks every field again.
 * One entry per key (its last good revision), dropped all at once past `maxKeys`.
 */
import type { KubeObject } from '../../api/meta';
import type { StoredObjectCheck } from './store';

const DEFAULT_MAX_KEYS = 100_000;

export function checkOncePerVersion(check: StoredObjectCheck, maxKeys = DEFAULT_MAX_KEYS): StoredObjectCheck {
  const passed = new Map<string, number>();
  return (key: string, object: KubeObject, revision?: number): string | undefined => {
    if (revision !== undefined && passed.get(key) === revision) return undefined;
    const problem = check(key, object, revision);
    if (problem !== undefined || revision === undefined) return problem;
    if (passed.size >= maxKeys) passed.clear();
    passed.set(key, revision);
    return undefined;
  };
}
