/**
 * Messages whose JSON form is not an object: apimachinery types with protobuf and JSON
 * marshalling of their own. A reader gets the message's bytes (empty for a non-pointer field
 * the message leaves out: the Go zero value) and returns the JSON value Go writes, or undefined
 * where Go writes null (a zero Time, an empty RawExtension), which the decoder leaves out.
 */
import { tryParseQuantity, QuantityFormatError } from '../../../api/quantity';
import type { ScalarType } from './message-schema';
import { ProtobufError, readFields } from './proto-reader';
import { readScalar, type Scalar } from './scalar-value';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

type SpecialReader = (bytes: Buffer) => unknown;

/** Readers by message name, as the generated schemas reference them. */
export const SPECIAL_MESSAGES: Record<string, SpecialReader> = {
  [`${META}.Time`]: readTime,
  [`${META}.MicroTime`]: readMicroTime,
  'io.k8s.apimachinery.pkg.api.resource.Quantity': readQuantity,
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': readIntOrString,
  'io.k8s.apimachinery.pkg.runtime.RawExtension': (bytes) => readRawJson(bytes, 'RawExtension'),
  [`${META}.FieldsV1`]: (bytes) => readRawJson(bytes, 'FieldsV1'),
};

/** The scalar fields of a small fixed message; the last occurrence wins. */
function scalarFields(bytes: Buffer, types: Record<number, ScalarType>): Map<number, Scalar> {
  const out = new Map<number, Scalar>();
  for (const field of readFields(bytes)) {
    const type = types[field.number];
    if (type) out.set(field.number, readScalar(type, field.value, field.number));
  }
  return out;
}

/** Timestamp {seconds = 1, nanos = 2}; Time keeps whole seconds (time_proto.go), JSON is RFC 3339. */
function readTime(bytes: Buffer): string | undefined {
  if (bytes.length === 0) return undefined;
  const seconds = Number(scalarFields(bytes, { 1: 'int64', 2: 'int32' }).get(1) ?? 0);
  return `${utcSeconds(seconds)}Z`;
}

/** MicroTime: nanos truncated to microseconds, JSON with six fraction digits (RFC3339Micro). */
function readMicroTime(bytes: Buffer): string | undefined {
  if (bytes.length === 0) return undefined;
  const fields = scalarFields(bytes, { 1: 'int64', 2: 'int32' });
  const nanos = Number(fields.get(2) ?? 0);
  const truncated = nanos - (nanos % 1000);
  const seconds = Number(fields.get(1) ?? 0) + Math.floor(truncated / 1e9);
  const micros = (((truncated % 1e9) + 1e9) % 1e9) / 1000;
  return `${utcSeconds(seconds)}.${String(micros).padStart(6, '0')}Z`;
}

/** 'YYYY-MM-DDTHH:MM:SS' in UTC; Go refuses to write years outside 0..9999 as JSON. */
function utcSeconds(seconds: number): string {
  const date = new Date(seconds * 1000);
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 0 || year > 9999) throw new ProtobufError('Time.MarshalJSON: year outside of range [0,9999]');
  return date.toISOString().slice(0, 19);
}

/** Quantity {string = 1}, parsed as Go's Unmarshal does; absent is the zero quantity "0". */
function readQuantity(bytes: Buffer): string {
  const text = scalarFields(bytes, { 1: 'string' }).get(1);
  if (text === undefined) return '0';
  const quantity = tryParseQuantity(String(text));
  if (quantity instanceof QuantityFormatError) throw new ProtobufError(quantity.message);
  return quantity.toString();
}

/** IntOrString {type = 1 (0 int, 1 string), intVal = 2, strVal = 3}. */
function readIntOrString(bytes: Buffer): number | string {
  const fields = scalarFields(bytes, { 1: 'int64', 2: 'int32', 3: 'string' });
  const type = fields.get(1) ?? 0;
  if (type === 0) return Number(fields.get(2) ?? 0);
  if (type === 1) return String(fields.get(3) ?? '');
  throw new ProtobufError('impossible IntOrString.Type');
}

/** RawExtension and FieldsV1 {raw = 1}: JSON bytes carried as they are; absent or empty is null. */
function readRawJson(bytes: Buffer, what: string): unknown {
  let raw: Buffer | undefined;
  for (const field of readFields(bytes)) {
    if (field.number !== 1) continue;
    if (field.value.wireType !== 2) throw new ProtobufError(`proto: wrong wireType = ${field.value.wireType} for field 1`);
    raw = field.value.bytes;
  }
  if (raw === undefined || raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err: unknown) {
    throw new ProtobufError(`${what} does not hold JSON: ${(err as Error).message}`);
  }
}
