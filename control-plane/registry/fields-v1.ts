/**
 * Field sets as `metadata.managedFields` spells them (FieldsV1): a tree whose keys are path
 * elements (`f:<field>`, `k:<merge key JSON>`) and whose members are the leaves (`{}`) and the
 * inner nodes marked `.` (a map or list item owned as itself, besides its members), as
 * structured-merge-diff's Set.ToJSON writes them.
 * https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management
 */

/** A path element: `f:<field>` or `k:<merge key JSON>`. */
export type FieldPath = readonly string[];

export type FieldsV1 = Record<string, unknown>;

/** The member marking an inner node as owned itself. */
export const SELF = '.';

function isTree(value: unknown): value is FieldsV1 {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasKeys(tree: FieldsV1): boolean {
  for (const _key in tree) return true;
  return false;
}

/** A node that is a member: a leaf, or an inner node marked `.`. */
function isMember(node: FieldsV1): boolean {
  return !hasKeys(node) || Object.hasOwn(node, SELF);
}

/** One key for a path, for sets of paths. */
export const pathKey = (path: FieldPath): string => path.join('\u0000');

/** The tree of a set of member paths. */
export function toFieldsV1(paths: readonly FieldPath[]): FieldsV1 {
  const root: FieldsV1 = {};
  const members: FieldsV1[] = [];
  for (const path of paths) {
    let node = root;
    for (const element of path) node = (node[element] ??= {}) as FieldsV1;
    members.push(node);
  }
  for (const node of members) if (Object.keys(node).some((k) => k !== SELF)) node[SELF] = {};
  return root;
}

/** The member paths of a tree: its leaves and its nodes marked `.`. */
export function fromFieldsV1(fields: unknown, prefix: FieldPath = []): FieldPath[] {
  if (!isTree(fields)) return [];
  const children = Object.entries(fields).filter(([k]) => k !== SELF);
  if (children.length === 0) return prefix.length > 0 ? [prefix] : [];
  const own = SELF in fields && prefix.length > 0 ? [prefix] : [];
  return [...own, ...children.flatMap(([k, v]) => fromFieldsV1(v, [...prefix, k]))];
}

/** Whether a tree has no member. */
export function isEmptyFieldsV1(fields: unknown): boolean {
  return !isTree(fields) || Object.keys(fields).length === 0;
}

/**
 * Takes `path` out of `tree` (in place): the member alone, or with all under it when
 * `subtree`. Inner nodes left with no member go too.
 */
export function removePath(tree: FieldsV1, path: FieldPath, subtree: boolean): void {
  const nodes: FieldsV1[] = [tree];
  for (const element of path) {
    const next = nodes[nodes.length - 1][element];
    if (!isTree(next)) return;
    nodes.push(next);
  }
  const target = nodes[nodes.length - 1];
  const children = Object.keys(target).filter((k) => k !== SELF).length;
  if (!subtree && children > 0) {
    delete target[SELF];
    return;
  }
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const parent = nodes[depth];
    delete parent[path[depth]];
    if (depth === 0 || Object.keys(parent).length > 0) {
      if (Object.keys(parent).length === 1 && SELF in parent) delete parent[SELF]; // a marked node left with no children is a leaf
      return;
    }
  }
}

/** Adds `paths` as members of `tree` (in place). */
export function addPaths(tree: FieldsV1, paths: readonly FieldPath[]): void {
  for (const path of paths) {
    let node = tree;
    path.forEach((element, i) => {
      const existing = node[element];
      if (!isTree(existing)) {
        node = node[element] = {};
        return;
      }
      if (Object.keys(existing).length === 0 && i < path.length - 1) existing[SELF] = {}; // a leaf member gaining children stays a member
      node = existing;
    });
    if (Object.keys(node).length > 0) node[SELF] = {};
  }
}

/** Whether `path` is in `tree`, as a member or above one. */
export function hasPath(tree: FieldsV1, path: FieldPath): boolean {
  let node: unknown = tree;
  for (const element of path) {
    node = isTree(node) ? node[element] : undefined;
    if (node === undefined) return false;
  }
  return true;
}

/**
 * `tree` without the members of `gone`: the same object when it has none of them, else a copy
 * (shared where untouched); undefined when nothing is left.
 */
export function subtractFields(tree: FieldsV1, gone: FieldsV1): FieldsV1 | undefined {
  return subtractChildren(tree, gone, false);
}

function subtractNode(own: FieldsV1, gone: FieldsV1): FieldsV1 | undefined {
  const goneMember = isMember(gone);
  if (!hasKeys(own)) return goneMember ? undefined : own;
  if (!goneMember || !Object.hasOwn(own, SELF)) return subtractChildren(own, gone, false);
  const { [SELF]: _self, ...children } = own;
  return subtractChildren(children, gone, true);
}

/** `node`'s children without `gone`'s; `copied`: `node` is already a private copy. */
function subtractChildren(node: FieldsV1, gone: FieldsV1, copied: boolean): FieldsV1 | undefined {
  let out = copied ? node : undefined;
  for (const key in gone) {
    if (key === SELF) continue;
    const child = node[key];
    if (!isTree(child)) continue;
    const rest = subtractNode(child, gone[key] as FieldsV1);
    if (rest === child) continue;
    out ??= { ...node };
    if (rest === undefined) delete out[key];
    else out[key] = rest;
  }
  if (out === undefined) return node;
  const keys = Object.keys(out);
  if (keys.length === 0) return undefined;
  return keys.length === 1 && keys[0] === SELF ? {} : out;
}

/** The members of both trees, as a new tree (sharing subtrees of both; neither is modified). */
export function unionFields(a: FieldsV1, b: FieldsV1): FieldsV1 {
  const out: FieldsV1 = { ...a };
  for (const key in b) {
    const x = a[key];
    out[key] = isTree(x) ? unionNode(x, b[key] as FieldsV1) : b[key];
  }
  return out;
}

/** Two nodes at one path: a member if either is. */
function unionNode(a: FieldsV1, b: FieldsV1): FieldsV1 {
  if (!hasKeys(b)) return isMember(a) ? a : { [SELF]: {}, ...a };
  if (!hasKeys(a)) return { [SELF]: {}, ...b };
  return unionFields(a, b);
}
