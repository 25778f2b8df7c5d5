/**
 * How the protobuf messages of API kinds are described to the decoder. Kubernetes encodes its
 * objects with the messages go-to-protobuf derives from the Go struct tags
 * (`protobuf:"bytes,1,opt,name=metadata"`); k8s-messages.ts lists them, named as the OpenAPI
 * definitions are (io.k8s.api.core.v1.Pod), each field with the JSON member it becomes.
 */

export interface ProtoField {
  /** The field number. */
  n: number;
  /** The JSON member; absent for a struct embedded with json:",inline", whose members join the parent's. */
  name?: string;
  /**
   * A compact type: a scalar 'string' | 'bytes' | 'bool' | 'int32' | 'int64' | 'uint32' | 'uint64' |
   * 'float' | 'double'; '#<message>'; '[]<type>' a repeated field; '{}<type>' a map with string keys
   * (repeated entries {key = 1, value = 2}); '@<type>' a message wrapping `repeated <type> items = 1`,
   * which is a plain list in JSON (Go named slices such as ExtraValue).
   */
  type: string;
  /** The json tag's omitempty: a zero scalar is left out of the JSON. */
  omitempty?: true;
  /** A Go pointer: present on the wire means set, even to a zero value. */
  pointer?: true;
}

export type ScalarType = 'string' | 'bytes' | 'bool' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'float' | 'double';

const SCALARS: readonly string[] = ['string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'float', 'double'];

/** A decoded type string. */
export type ProtoType =
  | { kind: 'scalar'; scalar: ScalarType }
  | { kind: 'message'; name: string }
  | { kind: 'repeated'; items: ProtoType }
  | { kind: 'map'; values: ProtoType }
  | { kind: 'list'; items: ProtoType };

export function decodeProtoType(type: string): ProtoType {
  if (type.startsWith('[]')) return { kind: 'repeated', items: decodeProtoType(type.slice(2)) };
  if (type.startsWith('{}')) return { kind: 'map', values: decodeProtoType(type.slice(2)) };
  if (type.startsWith('@')) return { kind: 'list', items: decodeProtoType(type.slice(1)) };
  if (type.startsWith('#')) return { kind: 'message', name: type.slice(1) };
  if (!SCALARS.includes(type)) throw new Error(`unknown protobuf type ${type}`);
  return { kind: 'scalar', scalar: type as ScalarType };
}
