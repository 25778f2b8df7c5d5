/**
 * The protobuf wire format, read: a message is a sequence of (tag, value) pairs; the tag is a
 * varint `number << 3 | wireType`; values are varints (0), 8 little-endian bytes (1),
 * length-delimited bytes (2) or 4 little-endian bytes (5). Groups (3, 4) are not used by
 * Kubernetes and are rejected. https://protobuf.dev/programming-guides/encoding/
 */

/** A malformed message; the API server answers 400 with its message. */
export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufError';
  }
}

export type WireValue =
  | { wireType: 0; varint: bigint }
  | { wireType: 1 | 2 | 5; bytes: Buffer };

export interface WireField {
  number: number;
  value: WireValue;
}

/** Reads one message's fields in order; `bytes` values are views into `buffer`. */
export function readFields(buffer: Buffer): WireField[] {
  const reader = new ProtoReader(buffer);
  const fields: WireField[] = [];
  while (!reader.done()) fields.push(reader.field());
  return fields;
}

/** Reads the varints of a packed repeated field. */
export function readPackedVarints(buffer: Buffer): bigint[] {
  const reader = new ProtoReader(buffer);
  const out: bigint[] = [];
  while (!reader.done()) out.push(reader.varint());
  return out;
}

class ProtoReader {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  done(): boolean {
    return this.offset >= this.buffer.length;
  }

  field(): WireField {
    const tag = this.varint();
    const number = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (number < 1 || number > 0x1fffffff) throw new ProtobufError(`proto: illegal field number ${number}`);
    return { number, value: this.value(wireType, number) };
  }

  /** Up to 10 bytes, 7 bits each, least significant first; the first 7 bytes in plain numbers (49 bits are exact). */
  varint(): bigint {
    let low = 0;
    for (let i = 0; i < 7; i++) {
      const byte = this.take(1)[0];
      low += (byte & 0x7f) * 2 ** (7 * i);
      if (byte < 0x80) return BigInt(low);
    }
    return this.varintTail(BigInt(low));
  }

  private varintTail(low: bigint): bigint {
    let result = low;
    for (let shift = 49n; shift < 70n; shift += 7n) {
      const byte = this.take(1)[0];
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, result);
    }
    throw new ProtobufError('proto: integer overflow');
  }

  private value(wireType: number, number: number): WireValue {
    switch (wireType) {
      case 0: return { wireType, varint: this.varint() };
      case 1: return { wireType, bytes: this.take(8) };
      case 2: return { wireType, bytes: this.take(this.length()) };
      case 5: return { wireType, bytes: this.take(4) };
      default: throw new ProtobufError(`proto: illegal wireType ${wireType} for field ${number}`);
    }
  }

  private length(): number {
    const length = this.varint();
    if (length > BigInt(this.buffer.length - this.offset)) throw new ProtobufError('unexpected EOF');
    return Number(length);
  }

  private take(count: number): Buffer {
    if (this.offset + count > this.buffer.length) throw new ProtobufError('unexpected EOF');
    const bytes = this.buffer.subarray(this.offset, this.offset + count);
    this.offset += count;
    return bytes;
  }
}
