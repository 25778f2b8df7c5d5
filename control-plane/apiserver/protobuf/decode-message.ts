/**
 * A protobuf message → the JSON object Go's encoding/json writes for the Go struct the message
 * fills, driven by the generated tables in k8s-messages.ts: handlers see what kubectl would have
 * sent as JSON. Go's rules are followed: omitempty leaves out zero scalars (kubectl's encoder
 * writes every non-pointer field, `generateName: ""` included); a non-pointer field the message
 * leaves out holds its zero value; a pointer that is present is kept even when zero. One
 * deliberate difference: members Go writes as null (nil pointers, slices and maps, a zero Time)
 * are left out, since Kubernetes reads null and absent alike. Members come in Go declaration
 * order; field numbers the message does not declare are skipped, as Kubernetes' decoder does.
 */
import { K8S_MESSAGES } from './k8s-messages';
import { decodeProtoType, type ProtoField, type ProtoType, type ScalarType } from './message-schema';
import { ProtobufError, readFields, type WireValue } from './proto-reader';
import { isZeroScalar, readRepeatedScalar, readScalar, zeroScalar, type Scalar } from './scalar-value';
import { SPECIAL_MESSAGES } from './special-messages';

type JsonObject = Record<string, unknown>;

const EMPTY = Buffer.alloc(0);

const TYPES = new Map<string, ProtoType>();

function typeOf(field: ProtoField): ProtoType {
  let type = TYPES.get(field.type);
  if (!type) TYPES.set(field.type, (type = decodeProtoType(field.type)));
  return type;
}

/** The JSON object of message `name` (a definition name such as io.k8s.api.core.v1.Namespace). */
export function decodeMessage(name: string, bytes: Buffer): JsonObject {
  const schema = K8S_MESSAGES[name];
  if (!schema) throw new ProtobufError(`no protobuf message ${name}`);
  const wire = byNumber(bytes);
  const out: JsonObject = {};
  for (const field of schema) setField(out, field, wire.get(field.n) ?? []);
  return out;
}

/** Every occurrence of each field number, in order. */
function byNumber(bytes: Buffer): Map<number, WireValue[]> {
  const wire = new Map<number, WireValue[]>();
  for (const { number, value } of readFields(bytes)) {
    const values = wire.get(number);
    if (values) values.push(value);
    else wire.set(number, [value]);
  }
  return wire;
}

/** A named field becomes a member; an inlined struct's members join `out`. */
function setField(out: JsonObject, field: ProtoField, values: WireValue[]): void {
  const type = typeOf(field);
  if (field.name === undefined) {
    if (type.kind !== 'message') throw new ProtobufError(`inlined field ${field.n} is not a message`);
    Object.assign(out, decodeMessage(type.name, merged(values, field.n)));
    return;
  }
  const value = fieldValue(field, type, values);
  if (value !== undefined) out[field.name] = value;
}

function fieldValue(field: ProtoField, type: ProtoType, values: WireValue[]): unknown {
  switch (type.kind) {
    case 'scalar': return scalarField(field, type.scalar, values);
    case 'repeated': return nonEmpty(values.flatMap((value) => elements(type.items, value, field.n)));
    case 'map': return values.length === 0 ? undefined : mapValue(type.values, values, field.n);
    case 'list': return values.length === 0 ? undefined : listValue(type.items, merged(values, field.n));
    case 'message': return values.length === 0 && field.pointer ? undefined : messageValue(type.name, merged(values, field.n));
  }
}

function scalarField(field: ProtoField, scalar: ScalarType, values: WireValue[]): Scalar | undefined {
  if (values.length === 0) return field.pointer || field.omitempty || scalar === 'bytes' ? undefined : zeroScalar(scalar);
  const value = readScalar(scalar, values[values.length - 1], field.n);
  return field.omitempty && !field.pointer && isZeroScalar(value) ? undefined : value;
}

function messageValue(name: string, bytes: Buffer): unknown {
  const special = SPECIAL_MESSAGES[name];
  return special ? special(bytes) : decodeMessage(name, bytes);
}

/** A single value of `type` (a map value, or one occurrence of a repeated field). */
function singleValue(type: ProtoType, value: WireValue, number: number): unknown {
  switch (type.kind) {
    case 'scalar': return readScalar(type.scalar, value, number);
    case 'message': return messageValue(type.name, lengthDelimited(value, number)) ?? null;
    case 'list': return listValue(type.items, lengthDelimited(value, number));
    default: throw new ProtobufError(`field ${number}: nested repeated fields have no protobuf form`);
  }
}

/** The elements one occurrence of a repeated field holds (several when packed). */
function elements(items: ProtoType, value: WireValue, number: number): unknown[] {
  return items.kind === 'scalar' ? readRepeatedScalar(items.scalar, value, number) : [singleValue(items, value, number)];
}

/** A named slice's wrapper message {repeated items = 1}, as the list itself. */
function listValue(items: ProtoType, bytes: Buffer): unknown[] {
  return readFields(bytes).filter((f) => f.number === 1).flatMap((f) => elements(items, f.value, 1));
}

/** Map entries {key = 1, value = 2}; a later entry for a key wins. */
function mapValue(valueType: ProtoType, entries: WireValue[], number: number): JsonObject {
  const out = new Map<string, unknown>();
  for (const entry of entries) {
    let key = '';
    let value: unknown = zeroValue(valueType);
    for (const field of readFields(lengthDelimited(entry, number))) {
      if (field.number === 1) key = String(readScalar('string', field.value, 1));
      if (field.number === 2) value = singleValue(valueType, field.value, 2);
    }
    out.set(key, value);
  }
  // fromEntries defines members: a key such as "__proto__" stays a member, as JSON.parse keeps it.
  return Object.fromEntries(out);
}

function zeroValue(type: ProtoType): unknown {
  if (type.kind === 'scalar') return zeroScalar(type.scalar);
  if (type.kind === 'message') return messageValue(type.name, EMPTY) ?? null;
  return [];
}

/** All occurrences of a message field, concatenated: protobuf merges them into one message. */
function merged(values: WireValue[], number: number): Buffer {
  if (values.length === 1) return lengthDelimited(values[0], number);
  return Buffer.concat(values.map((value) => lengthDelimited(value, number)));
}

function lengthDelimited(value: WireValue, number: number): Buffer {
  if (value.wireType !== 2) throw new ProtobufError(`proto: wrong wireType = ${value.wireType} for field ${number}`);
  return value.bytes;
}

function nonEmpty(list: unknown[]): unknown[] | undefined {
  return list.length === 0 ? undefined : list;
}
