/**
 * The protobuf wire format, written: the few shapes the API server sends (strings, booleans and
 * nested messages, proto3 style — a field at its zero value is left out). A message is built as
 * the concatenation of its encoded fields. https://protobuf.dev/programming-guides/encoding/
 */

const EMPTY = Buffer.alloc(0);

/** A non-negative integer below 2^53 as a varint: 7 bits a byte, least significant first. */
export function varint(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint: ${value} is not a non-negative safe integer`);
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function tag(number: number, wireType: 0 | 2): Buffer {
  return varint(number * 8 + wireType);
}

/** A length-delimited field holding a nested message's bytes; written even when empty (a present message). */
export function messageField(number: number, message: Buffer): Buffer {
  return Buffer.concat([tag(number, 2), varint(message.length), message]);
}

/** A string field; the empty string is proto3's default and is left out. */
export function stringField(number: number, value: string | undefined): Buffer {
  if (!value) return EMPTY;
  return messageField(number, Buffer.from(value, 'utf8'));
}

/** A bool field; false is left out. */
export function boolField(number: number, value: boolean | undefined): Buffer {
  return value ? Buffer.concat([tag(number, 0), varint(1)]) : EMPTY;
}

/** A repeated string field: one field per element, in order. */
export function repeatedStringField(number: number, values: readonly string[] | undefined): Buffer {
  return Buffer.concat((values ?? []).map((v) => messageField(number, Buffer.from(v, 'utf8'))));
}

/** A repeated message field: one field per element, in order. */
export function repeatedMessageField(number: number, messages: readonly Buffer[]): Buffer {
  return Buffer.concat(messages.map((m) => messageField(number, m)));
}
