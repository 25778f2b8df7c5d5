/**
 * Scalar protobuf values as Go's encoding/json writes the Go fields they fill: strings as
 * they are, []byte as base64, integers as numbers (int64 beyond 2^53 loses precision, as any
 * JSON number read by JavaScript does), booleans, floats.
 */
import type { ScalarType } from './message-schema';
import { ProtobufError, readPackedVarints, type WireValue } from './proto-reader';

export type Scalar = string | number | boolean;

const VARINT_SCALARS: readonly ScalarType[] = ['bool', 'int32', 'int64', 'uint32', 'uint64'];

function wrongWireType(value: WireValue, number: number): ProtobufError {
  return new ProtobufError(`proto: wrong wireType = ${value.wireType} for field ${number}`);
}

export function readScalar(type: ScalarType, value: WireValue, number: number): Scalar {
  if (VARINT_SCALARS.includes(type)) {
    if (value.wireType !== 0) throw wrongWireType(value, number);
    return fromVarint(type, value.varint);
  }
  const expected = type === 'double' ? 1 : type === 'float' ? 5 : 2;
  if (value.wireType === 0 || value.wireType !== expected) throw wrongWireType(value, number);
  if (type === 'double') return value.bytes.readDoubleLE(0);
  if (type === 'float') return value.bytes.readFloatLE(0);
  return type === 'bytes' ? value.bytes.toString('base64') : value.bytes.toString('utf8');
}

/** The elements of a repeated scalar field's occurrence: one value, or a packed run of them. */
export function readRepeatedScalar(type: ScalarType, value: WireValue, number: number): Scalar[] {
  if (VARINT_SCALARS.includes(type) && value.wireType === 2) return readPackedVarints(value.bytes).map((v) => fromVarint(type, v));
  if ((type === 'double' || type === 'float') && value.wireType === 2) return readPackedFixed(type, value.bytes, number);
  return [readScalar(type, value, number)];
}

/** The Go zero value a scalar field holds when the message leaves it out. */
export function zeroScalar(type: ScalarType): Scalar {
  if (type === 'string' || type === 'bytes') return '';
  return type === 'bool' ? false : 0;
}

export function isZeroScalar(value: unknown): boolean {
  return value === '' || value === 0 || value === false;
}

function fromVarint(type: ScalarType, varint: bigint): Scalar {
  switch (type) {
    case 'bool': return varint !== 0n;
    case 'int32': return Number(BigInt.asIntN(32, varint));
    case 'uint32': return Number(BigInt.asUintN(32, varint));
    case 'int64': return Number(BigInt.asIntN(64, varint));
    default: return Number(varint);
  }
}

function readPackedFixed(type: 'double' | 'float', bytes: Buffer, number: number): number[] {
  const size = type === 'double' ? 8 : 4;
  if (bytes.length % size !== 0) throw new ProtobufError(`proto: packed field ${number} has a partial element`);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(type === 'double' ? bytes.readDoubleLE(i) : bytes.readFloatLE(i));
  return out;
}
