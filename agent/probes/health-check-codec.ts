/**
 * Protobuf encoding of grpc.health.v1 HealthCheckRequest { string service = 1; } and
 * HealthCheckResponse { ServingStatus status = 1; } — two one-field messages, written out by
 * hand rather than loading a .proto at run time.
 */

export const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] as const;

function varint(value: number): number[] {
  const bytes: number[] = [];
  let v = value;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return bytes;
}

export function encodeHealthCheckRequest(service: string): Buffer {
  if (service === '') return Buffer.alloc(0); // proto3 leaves default values out
  const text = Buffer.from(service, 'utf8');
  return Buffer.concat([Buffer.from([0x0a, ...varint(text.length)]), text]);
}

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): number {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const byte = this.buf[this.pos++];
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
    }
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) {
      const length = this.varint(); // read before `pos` is: the varint moves it
      this.pos += length;
    }
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

/** The response's `status` field as a number (0 when absent, as proto3 defaults it). */
export function decodeHealthCheckResponse(buf: Buffer): number {
  const reader = new Reader(buf);
  let status = 0;
  while (!reader.done) {
    const tag = reader.varint();
    if (tag === 0x08) status = reader.varint();
    else reader.skip(tag & 7);
  }
  return status;
}

/** The enum's name as Go's generated String() gives it; unknown numbers print as the number. */
export function servingStatusName(status: number): string {
  return SERVING_STATUS[status] ?? String(status);
}
