/**
 * etcd key layout: `<prefix>/<group>/<resource>/<namespace>/<name>`, group `core` for the
 * core group, no namespace segment for cluster-scoped resources. The prefix defaults to
 * `/registry` and differs per test run, so runs sharing an etcd never see each other.
 */
export interface KeySpace {
  prefix: string;
}

export interface ResourceRef {
  group: string;
  resource: string;
  namespaced: boolean;
}

function groupSegment(group: string): string {
  return group === '' ? 'core' : group;
}

/** Prefix of every object of a resource, or of one namespace's objects; ends with '/'. */
export function resourcePrefix(space: KeySpace, ref: ResourceRef, namespace?: string): string {
  const base = `${space.prefix}/${groupSegment(ref.group)}/${ref.resource}/`;
  return ref.namespaced && namespace ? `${base}${namespace}/` : base;
}

export function objectKey(space: KeySpace, ref: ResourceRef, namespace: string | undefined, name: string): string {
  return `${resourcePrefix(space, ref, ref.namespaced ? namespace : undefined)}${name}`;
}
