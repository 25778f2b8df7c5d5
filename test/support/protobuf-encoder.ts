/**
 * A test-only protobuf encoder driven by the same generated schemas as the API server's decoder
 * (control-plane/apiserver/protobuf/k8s-messages.ts): a JSON object → its message bytes, and the
 * `k8s\0` + runtime.Unknown envelope around them. With `writeZeros` it also writes zero-valued
 * non-pointer scalars and empty non-pointer messages, as Go's generated marshallers (kubectl) do;
 * with `packed` it packs repeated numbers, as a proto3 writer would.
 */
import { K8S_MESSAGES } from '../../control-plane/apiserver/protobuf/k8s-messages';
import { decodeProtoType, type ProtoField, type ProtoType, type ScalarType } from '../../control-plane/apiserver/protobuf/message-schema';
import { K8S_KINDS } from '../../control-plane/apiserver/schema/k8s-definitions';
import { strict as assert } from 'node:assert';
import { ProtobufError } from '../../control-plane/apiserver/protobuf/proto-reader';

export interface EncodeOptions {
  writeZeros?: boolean;
  packed?: boolean;
}

type Json = Record<string, unknown>;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

export function varint(value: bigint | number): Buffer {
  let v = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    bytes.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return Buffer.from(bytes);
}

export function tag(number: number, wireType: number): Buffer {
  return varint((BigInt(number) << 3n) | BigInt(wireType));
}

export function lengthDelimited(number: number, bytes: Buffer): Buffer {
  return Buffer.concat([tag(number, 2), varint(bytes.length), bytes]);
}

/** `k8s\0` + runtime.Unknown {typeMeta {apiVersion, kind}, raw, contentEncoding "", contentType ""}. */
export function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  const typeMeta = Buffer.concat([lengthDelimited(1, Buffer.from(apiVersion)), lengthDelimited(2, Buffer.from(kind))]);
  const unknown = Buffer.concat([lengthDelimited(1, typeMeta), lengthDelimited(2, raw), lengthDelimited(3, Buffer.alloc(0)), lengthDelimited(4, Buffer.alloc(0))]);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]);
}

/** A whole request body for `object`, whose kind and apiVersion pick the message. */
export function encodeObject(object: Json & { apiVersion: string; kind: string }, options: EncodeOptions = {}): Buffer {
  const name = K8S_KINDS[`${object.apiVersion}/${object.kind}`];
  if (!name) throw new Error(`no message for ${object.apiVersion}/${object.kind}`);
  return envelope(object.apiVersion, object.kind, encodeMessage(name, object, options));
}

export function encodeMessage(name: string, object: Json, options: EncodeOptions = {}): Buffer {
  const schema = K8S_MESSAGES[name];
  if (!schema) throw new Error(`no message ${name}`);
  return Buffer.concat(schema.flatMap((field) => encodeMember(field, object, options)));
}

function encodeMember(field: ProtoField, object: Json, options: EncodeOptions): Buffer[] {
  const type = decodeProtoType(field.type);
  if (field.name === undefined) return [lengthDelimited(field.n, encodeMessage(messageName(type), object, options))];
  const value = object[field.name];
  if (value !== undefined && value !== null) return encodeField(field.n, type, value, options);
  return options.writeZeros && !field.pointer ? zeroField(field.n, type, options) : [];
}

function messageName(type: ProtoType): string {
  if (type.kind !== 'message') throw new Error('inlined field is not a message');
  return type.name;
}

function encodeField(n: number, type: ProtoType, value: unknown, options: EncodeOptions): Buffer[] {
  switch (type.kind) {
    case 'scalar': return [scalar(n, type.scalar, value)];
    case 'message': return [lengthDelimited(n, messageBytes(type.name, value, options))];
    case 'list': return [lengthDelimited(n, Buffer.concat((value as unknown[]).flatMap((item) => encodeField(1, type.items, item, options))))];
    case 'map': return Object.entries(value as Json).map(([k, v]) => lengthDelimited(n, Buffer.concat([scalar(1, 'string', k), ...encodeField(2, type.values, v, options)])));
    case 'repeated': return repeated(n, type.items, value as unknown[], options);
  }
}

function repeated(n: number, items: ProtoType, values: unknown[], options: EncodeOptions): Buffer[] {
  const varints = items.kind === 'scalar' && ['bool', 'int32', 'int64', 'uint32', 'uint64'].includes(items.scalar);
  if (!options.packed || !varints) return values.flatMap((value) => encodeField(n, items, value, options));
  return [lengthDelimited(n, Buffer.concat(values.map((value) => varint(typeof value === 'boolean' ? Number(value) : BigInt(value as number)))))];
}

function zeroField(n: number, type: ProtoType, options: EncodeOptions): Buffer[] {
  if (type.kind === 'scalar') return type.scalar === 'bytes' ? [] : [scalar(n, type.scalar, type.scalar === 'string' ? '' : type.scalar === 'bool' ? false : 0)];
  if (type.kind !== 'message') return [];
  const special = SPECIAL_ZEROS[type.name];
  return [lengthDelimited(n, special ?? encodeMessage(type.name, {}, options))];
}

/** What Go's marshallers write for the zero value of the special messages. */
const SPECIAL_ZEROS: Record<string, Buffer> = {
  [`${META}.Time`]: Buffer.alloc(0),
  [`${META}.MicroTime`]: Buffer.alloc(0),
  'io.k8s.apimachinery.pkg.api.resource.Quantity': lengthDelimited(1, Buffer.from('0')),
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': Buffer.concat([tag(1, 0), varint(0), tag(2, 0), varint(0), lengthDelimited(3, Buffer.alloc(0))]),
  'io.k8s.apimachinery.pkg.runtime.RawExtension': Buffer.alloc(0),
  [`${META}.FieldsV1`]: Buffer.alloc(0),
};

function messageBytes(name: string, value: unknown, options: EncodeOptions): Buffer {
  switch (name) {
    case `${META}.Time`: return Buffer.concat([tag(1, 0), varint(Date.parse(String(value)) / 1000)]);
    case `${META}.MicroTime`: return microTime(String(value));
    case 'io.k8s.apimachinery.pkg.api.resource.Quantity': return lengthDelimited(1, Buffer.from(String(value)));
    case 'io.k8s.apimachinery.pkg.util.intstr.IntOrString': return intOrString(value as number | string);
    case 'io.k8s.apimachinery.pkg.runtime.RawExtension':
    case `${META}.FieldsV1`: return lengthDelimited(1, Buffer.from(JSON.stringify(value)));
    default: return encodeMessage(name, value as Json, options);
  }
}

function microTime(text: string): Buffer {
  const micros = Number(/\.(\d{6})Z$/.exec(text)?.[1] ?? 0);
  return Buffer.concat([tag(1, 0), varint(Math.floor(Date.parse(text) / 1000)), tag(2, 0), varint(micros * 1000)]);
}

function intOrString(value: number | string): Buffer {
  if (typeof value === 'number') return Buffer.concat([tag(1, 0), varint(0), tag(2, 0), varint(value)]);
  return Buffer.concat([tag(1, 0), varint(1), lengthDelimited(3, Buffer.from(value))]);
}

function scalar(n: number, type: ScalarType, value: unknown): Buffer {
  switch (type) {
    case 'string': return lengthDelimited(n, Buffer.from(String(value), 'utf8'));
    case 'bytes': return lengthDelimited(n, Buffer.from(String(value), 'base64'));
    case 'bool': return Buffer.concat([tag(n, 0), varint(value ? 1 : 0)]);
    case 'double': return Buffer.concat([tag(n, 1), fixed(8, value as number)]);
    case 'float': return Buffer.concat([tag(n, 5), fixed(4, value as number)]);
    default: return Buffer.concat([tag(n, 0), varint(BigInt(value as number))]);
  }
}

function fixed(size: 4 | 8, value: number): Buffer {
  const bytes = Buffer.alloc(size);
  if (size === 8) bytes.writeDoubleLE(value);
  else bytes.writeFloatLE(value);
  return bytes;
}

/** The message of the ProtobufError `fn` throws; fails the test if it throws nothing or something else. */
export function protobufErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ProtobufError, String(err));
    return err.message;
  }
  throw new Error('expected a ProtobufError');
}
