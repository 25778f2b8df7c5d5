/**
 * DnsMessage → wire bytes (RFC 1035 §4), with name compression for the record types that allow
 * it (RFC 3597 §4), and truncation to a size limit: an answer or authority record that does not
 * fit sets TC and ends the message there; additional records that do not fit are just left out
 * (RFC 2181 §9). An OPT record always fits (its room is kept aside).
 */
import { RecordType } from './dns-constants';
import type { DnsFlags, DnsMessage, DnsRecord, RecordData } from './dns-message';
import { nameLabels } from './dns-name';
import { ipv4Bytes, ipv6Bytes } from './ip-address';

const MAX_MESSAGE = 65535;
const MAX_POINTER = 0x3fff;

/** A growing buffer that remembers where each written name suffix is, for compression pointers. */
class WireWriter {
  buf = Buffer.alloc(512);
  pos = 0;
  private readonly suffixes = new Map<string, number>();

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  u8(v: number): void {
    this.room(1);
    this.pos = this.buf.writeUInt8(v, this.pos);
  }

  u16(v: number): void {
    this.room(2);
    this.pos = this.buf.writeUInt16BE(v, this.pos);
  }

  u32(v: number): void {
    this.room(4);
    this.pos = this.buf.writeUInt32BE(v >>> 0, this.pos);
  }

  bytes(b: Buffer): void {
    this.room(b.length);
    this.pos += b.copy(this.buf, this.pos);
  }

  /** Writes a name, pointing at an earlier copy of its longest known suffix when `compress`. */
  name(name: string, compress: boolean): void {
    const labels = nameLabels(name);
    for (let i = 0; i < labels.length; i++) {
      const key = suffixKey(labels, i);
      const earlier = this.suffixes.get(key);
      if (compress && earlier !== undefined) return this.u16(0xc000 | earlier);
      if (this.pos <= MAX_POINTER && !this.suffixes.has(key)) this.suffixes.set(key, this.pos);
      this.u8((labels[i] as Buffer).length);
      this.bytes(labels[i] as Buffer);
    }
    this.u8(0);
  }

  /** Forgets everything written from `mark` on (a record that did not fit). */
  rewind(mark: number): void {
    this.pos = mark;
    for (const [key, offset] of this.suffixes) if (offset >= mark) this.suffixes.delete(key);
  }

  result(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

/** The wire form of labels[from..] (case kept: a pointer must not change the case of a name). */
function suffixKey(labels: Buffer[], from: number): string {
  return labels.slice(from).map((l) => `${l.length}:${l.toString('latin1')}`).join('');
}

function flagBits(f: DnsFlags): number {
  const bit = (b: boolean, shift: number): number => (b ? 1 << shift : 0);
  return bit(f.qr, 15) | ((f.opcode & 0xf) << 11) | bit(f.aa, 10) | bit(f.tc, 9) | bit(f.rd, 8) | bit(f.ra, 7) | bit(f.ad, 5) | bit(f.cd, 4) | (f.rcode & 0xf);
}

/**
 * Encodes `msg` within `maxSize` bytes (65535 at most), truncating as described above; the
 * returned bytes carry TC when records had to be dropped. Throws when a name is invalid.
 */
export function encodeMessage(msg: DnsMessage, maxSize = MAX_MESSAGE): Buffer {
  const w = new WireWriter();
  const opts = msg.additional.filter((r) => r.type === RecordType.OPT);
  const limit = Math.min(maxSize, MAX_MESSAGE) - opts.reduce((n, r) => n + 11 + dataLength(r), 0);
  w.pos = 12;
  for (const q of msg.questions) writeQuestion(w, q.name, q.type, q.class);
  const answers = writeSection(w, msg.answers, limit);
  const authority = answers.complete ? writeSection(w, msg.authority, limit) : { count: 0, complete: false };
  const additional = authority.complete ? writeSection(w, msg.additional.filter((r) => r.type !== RecordType.OPT), limit) : { count: 0, complete: true };
  for (const opt of opts) writeRecord(w, opt);
  const tc = msg.flags.tc || !answers.complete || !authority.complete;
  writeHeader(w, msg.id, { ...msg.flags, tc }, [msg.questions.length, answers.count, authority.count, additional.count + opts.length]);
  return w.result();
}

function writeHeader(w: WireWriter, id: number, flags: DnsFlags, counts: number[]): void {
  const end = w.pos;
  w.pos = 0;
  w.u16(id);
  w.u16(flagBits(flags));
  for (const c of counts) w.u16(c);
  w.pos = end;
}

function writeQuestion(w: WireWriter, name: string, type: number, cls: number): void {
  w.name(name, true);
  w.u16(type);
  w.u16(cls);
}

/** Writes records while they fit under `limit`; `complete` is false when one did not. */
function writeSection(w: WireWriter, records: DnsRecord[], limit: number): { count: number; complete: boolean } {
  let count = 0;
  for (const record of records) {
    const mark = w.pos;
    writeRecord(w, record);
    if (w.pos > limit) {
      w.rewind(mark);
      return { count, complete: false };
    }
    count++;
  }
  return { count, complete: true };
}

function writeRecord(w: WireWriter, r: DnsRecord): void {
  w.name(r.name, true);
  w.u16(r.type);
  w.u16(r.class);
  w.u32(r.ttl);
  const lengthAt = w.pos;
  w.u16(0);
  writeData(w, r.type, r.data);
  w.buf.writeUInt16BE(w.pos - lengthAt - 2, lengthAt);
}

/** Names in CNAME/NS/PTR/MX/SOA data may be compressed (RFC 1035 types); SRV's may not (RFC 2782). */
function writeData(w: WireWriter, type: number, d: RecordData): void {
  switch (d.kind) {
    case 'address':
      return w.bytes(addressBytes(type, d.address));
    case 'name':
      return w.name(d.target, true);
    case 'srv':
      [d.priority, d.weight, d.port].forEach((v) => w.u16(v));
      return w.name(d.target, false);
    case 'mx':
      w.u16(d.preference);
      return w.name(d.exchange, true);
    case 'soa':
      w.name(d.mname, true);
      w.name(d.rname, true);
      return [d.serial, d.refresh, d.retry, d.expire, d.minimum].forEach((v) => w.u32(v));
    case 'raw':
      return w.bytes(d.bytes);
  }
}

function addressBytes(type: number, address: string): Buffer {
  const bytes = type === RecordType.AAAA ? ipv6Bytes(address) : ipv4Bytes(address);
  if (bytes === undefined) throw new Error(`not an address for record type ${type}: ${address}`);
  return bytes;
}

/** Data length of an OPT record (raw options), to keep its room aside. */
function dataLength(r: DnsRecord): number {
  return r.data.kind === 'raw' ? r.data.bytes.length : 0;
}
