/**
 * The field model of API kinds that the OpenAPI documents and the strategic merge patch
 * share, so that what kubectl reads (x-kubernetes-patch-merge-key...) is what the server
 * applies. Definitions are named as in the Kubernetes OpenAPI: io.k8s.api.core.v1.Pod.
 */

/**
 * A field's JSON type, encoded compactly: a scalar 'string', 'boolean', 'integer/int32',
 * 'integer/int64', 'number/double', 'string/byte', 'object' (free-form); '#<definition>' a
 * reference; '[]<type>' an array of <type>; '{}<type>' a map from string to <type>.
 */
export type FieldType = string;

export interface ApiField {
  type: FieldType;
  description?: string;
  /** The Go struct tag patchStrategy: 'merge', 'replace', 'retainKeys' or 'merge,retainKeys'. */
  patchStrategy?: string;
  /** The Go struct tag patchMergeKey: the member identifying list items ('name'). */
  patchMergeKey?: string;
  /** +listType marker: 'atomic', 'set' or 'map' (server-side apply). */
  listType?: string;
  listMapKeys?: string[];
  mapType?: string;
  enum?: string[];
}

export interface ApiDefinition {
  description?: string;
  /** For definitions with a scalar wire form (Quantity, Time, IntOrString). */
  type?: string;
  format?: string;
  properties?: Record<string, ApiField>;
  required?: string[];
}

/** A decoded FieldType. */
export type DecodedType =
  /** `spelled`: `type` or `type/format`, what the decoder switches on. */
  | { kind: 'scalar'; type: string; format?: string; spelled: string }
  | { kind: 'ref'; name: string }
  | { kind: 'array'; items: DecodedType }
  | { kind: 'map'; values: DecodedType };

export function decodeFieldType(type: FieldType): DecodedType {
  if (type.startsWith('[]')) return { kind: 'array', items: decodeFieldType(type.slice(2)) };
  if (type.startsWith('{}')) return { kind: 'map', values: decodeFieldType(type.slice(2)) };
  if (type.startsWith('#')) return { kind: 'ref', name: type.slice(1) };
  const [scalar, format] = type.split('/');
  return format ? { kind: 'scalar', type: scalar, format, spelled: `${scalar}/${format}` } : { kind: 'scalar', type: scalar, spelled: scalar };
}

/** The definition a field leads to (through arrays and maps), if any. */
export function referencedDefinition(type: FieldType): string | undefined {
  const decoded = decodeFieldType(type);
  if (decoded.kind === 'ref') return decoded.name;
  if (decoded.kind === 'array') return referencedDefinition(type.slice(2));
  if (decoded.kind === 'map') return referencedDefinition(type.slice(2));
  return undefined;
}
