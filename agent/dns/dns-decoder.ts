/**
 * Wire bytes → DnsMessage (RFC 1035 §4). Every read is bounds-checked: malformed input throws
 * DnsFormatError and nothing else, whatever the bytes.
 */
import { HEADER_SIZE, RecordType } from './dns-constants';
import { DnsFormatError, type DnsFlags, type DnsMessage, type DnsQuestion, type DnsRecord, type RecordData } from './dns-message';
import { readName } from './dns-name';
import { ipv6Text } from './ip-address';

/** A cursor over one message; names may point anywhere before the cursor. */
class WireReader {
  constructor(readonly buf: Buffer, public pos = 0) {}

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new DnsFormatError(`message ends at ${this.buf.length}, needed ${n} bytes at ${this.pos}`);
  }

  u16(): number {
    this.need(2);
    this.pos += 2;
    return this.buf.readUInt16BE(this.pos - 2);
  }

  u32(): number {
    this.need(4);
    this.pos += 4;
    return this.buf.readUInt32BE(this.pos - 4);
  }

  name(): string {
    const { name, next } = readName(this.buf, this.pos);
    this.pos = next;
    return name;
  }

  bytes(n: number): Buffer {
    this.need(n);
    this.pos += n;
    return Buffer.from(this.buf.subarray(this.pos - n, this.pos));
  }
}

/** The id and flags of a message of at least 12 bytes (enough to answer FORMERR), else undefined. */
export function decodeHeader(buf: Buffer): { id: number; flags: DnsFlags } | undefined {
  if (buf.length < HEADER_SIZE) return undefined;
  const bits = buf.readUInt16BE(2);
  const flag = (shift: number): boolean => ((bits >> shift) & 1) === 1;
  const flags = { qr: flag(15), opcode: (bits >> 11) & 0xf, aa: flag(10), tc: flag(9), rd: flag(8), ra: flag(7), ad: flag(5), cd: flag(4), rcode: bits & 0xf };
  return { id: buf.readUInt16BE(0), flags };
}

/** Decodes a whole message; throws DnsFormatError when it is not well formed. Trailing bytes are ignored. */
export function decodeMessage(buf: Buffer): DnsMessage {
  const header = decodeHeader(buf);
  if (header === undefined) throw new DnsFormatError(`message of ${buf.length} bytes is shorter than a header`);
  const r = new WireReader(buf, 4);
  const counts = [r.u16(), r.u16(), r.u16(), r.u16()] as const;
  const questions = Array.from({ length: counts[0] }, () => readQuestion(r));
  const section = (n: number): DnsRecord[] => Array.from({ length: n }, () => readRecord(r));
  return { ...header, questions, answers: section(counts[1]), authority: section(counts[2]), additional: section(counts[3]) };
}

function readQuestion(r: WireReader): DnsQuestion {
  return { name: r.name(), type: r.u16(), class: r.u16() };
}

function readRecord(r: WireReader): DnsRecord {
  const name = r.name();
  const type = r.u16();
  const cls = r.u16();
  const ttl = r.u32();
  const length = r.u16();
  r.need(length);
  const end = r.pos + length;
  const data = readData(new WireReader(r.buf.subarray(0, end), r.pos), type, length);
  r.pos = end;
  return { name, type, class: cls, ttl, data };
}

/** Decodes record data; the reader's buffer ends where the data ends, so nothing reads past it. */
function readData(r: WireReader, type: number, length: number): RecordData {
  switch (type) {
    case RecordType.A:
      return exactly(r, length, 4, () => ({ kind: 'address', address: [...r.bytes(4)].join('.') }));
    case RecordType.AAAA:
      return exactly(r, length, 16, () => ({ kind: 'address', address: ipv6Text(r.bytes(16)) }));
    case RecordType.CNAME:
    case RecordType.NS:
    case RecordType.PTR:
      return { kind: 'name', target: r.name() };
    case RecordType.SRV:
      return { kind: 'srv', priority: r.u16(), weight: r.u16(), port: r.u16(), target: r.name() };
    case RecordType.MX:
      return { kind: 'mx', preference: r.u16(), exchange: r.name() };
    case RecordType.SOA:
      return { kind: 'soa', mname: r.name(), rname: r.name(), serial: r.u32(), refresh: r.u32(), retry: r.u32(), expire: r.u32(), minimum: r.u32() };
    default:
      return { kind: 'raw', bytes: r.bytes(length) };
  }
}

function exactly(r: WireReader, length: number, expected: number, read: () => RecordData): RecordData {
  if (length !== expected) throw new DnsFormatError(`address data of ${length} bytes at ${r.pos}, expected ${expected}`);
  return read();
}
