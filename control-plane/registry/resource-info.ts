/**
 * The names and scope of one REST resource: enough for storage keys and URLs. The rest of
 * what makes a kind different is in its ResourceDefinition (resource-definition.ts).
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
}

/** 'v1' for the core group, 'apps/v1' otherwise. */
export function apiVersionOf(info: Pick<ResourceInfo, 'group' | 'version'>): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}
