/**
 * What the API server knows of one REST resource: enough for routing, discovery, OpenAPI,
 * storage keys and Table output. One entry per resource in resources.ts.
 */
export interface ResourceInfo {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, lower case: 'pods'. */
  resource: string;
  singularName: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  /** Subresources served, e.g. ['status', 'binding']. */
  subresources?: string[];
}

/** 'v1' for the core group, 'apps/v1' otherwise. */
export function apiVersionOf(info: Pick<ResourceInfo, 'group' | 'version'>): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}
