/**
 * Domain names between wire labels and presentation strings (RFC 1035 §3.1, §4.1.4; escapes as
 * RFC 4343 §2.1), and the compression-aware reader. Names never carry the trailing dot.
 */
import { MAX_LABEL_LENGTH, MAX_NAME_LENGTH } from './dns-constants';
import { DnsFormatError } from './dns-message';

const BACKSLASH = 0x5c;
const DOT = 0x2e;

/** One wire label as presentation text: printable ASCII as is, '.' and '\' escaped, the rest as \DDD. */
export function labelText(label: Buffer): string {
  let out = '';
  for (const byte of label) {
    if (byte === DOT || byte === BACKSLASH) out += `\\${String.fromCharCode(byte)}`;
    else if (byte > 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${String(byte).padStart(3, '0')}`;
  }
  return out;
}

/** The wire labels of a presentation name; throws DnsFormatError when a label or the name is too long. */
export function nameLabels(name: string): Buffer[] {
  const labels: Buffer[] = [];
  let current: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === DOT) {
      labels.push(checkedLabel(current, name));
      current = [];
    } else if (c === BACKSLASH) {
      i = readEscape(name, i, current);
    } else current.push(c & 0xff);
  }
  if (name.length > 0) labels.push(checkedLabel(current, name));
  if (labels.reduce((n, l) => n + l.length + 1, 1) > MAX_NAME_LENGTH) throw new DnsFormatError(`name longer than ${MAX_NAME_LENGTH} bytes: ${name.slice(0, 40)}…`);
  return labels;
}

/** Appends the byte an escape at `name[i]` stands for; returns the index of its last character. */
function readEscape(name: string, i: number, into: number[]): number {
  const digits = name.slice(i + 1, i + 4);
  if (/^\d{3}$/.test(digits) && Number(digits) < 256) {
    into.push(Number(digits));
    return i + 3;
  }
  if (i + 1 >= name.length) throw new DnsFormatError(`dangling escape in ${name}`);
  into.push(name.charCodeAt(i + 1) & 0xff);
  return i + 1;
}

function checkedLabel(bytes: number[], name: string): Buffer {
  if (bytes.length === 0) throw new DnsFormatError(`empty label in ${name}`);
  if (bytes.length > MAX_LABEL_LENGTH) throw new DnsFormatError(`label longer than ${MAX_LABEL_LENGTH} bytes in ${name}`);
  return Buffer.from(bytes);
}

/** Case-folded form for comparing names (DNS compares ASCII case-insensitively, RFC 4343). */
export function foldName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

export interface NameRead {
  name: string;
  /** Offset just after the name where it started (after the first pointer, if any). */
  next: number;
}

/**
 * Reads the name at `offset`, following compression pointers. A pointer must point strictly
 * before the position it was read at (no forward jumps, no self-loops), and the expanded name
 * must stay within 255 bytes, so a pointer loop through labels ends in DnsFormatError too.
 */
export function readName(buf: Buffer, offset: number): NameRead {
  const labels: string[] = [];
  let pos = offset;
  let next: number | undefined;
  let wireLength = 1;
  for (let len = byteAt(buf, pos); len !== 0; len = byteAt(buf, pos)) {
    if ((len & 0xc0) === 0xc0) {
      next ??= pos + 2;
      pos = pointerTarget(buf, pos);
      continue;
    }
    wireLength += len + 1;
    if (wireLength > MAX_NAME_LENGTH) throw new DnsFormatError(`name longer than ${MAX_NAME_LENGTH} bytes at ${offset}`);
    labels.push(labelText(labelAt(buf, pos, len)));
    pos += 1 + len;
  }
  return { name: labels.join('.'), next: next ?? pos + 1 };
}

/** Where the compression pointer at `pos` points; only strictly backwards is allowed. */
function pointerTarget(buf: Buffer, pos: number): number {
  const target = ((byteAt(buf, pos) & 0x3f) << 8) | byteAt(buf, pos + 1);
  if (target >= pos) throw new DnsFormatError(`compression pointer at ${pos} does not point backwards`);
  return target;
}

/** The bytes of the label of length `len` at `pos` (the 01/10 label types of RFC 6891/2673 are not supported). */
function labelAt(buf: Buffer, pos: number, len: number): Buffer {
  if ((len & 0xc0) !== 0) throw new DnsFormatError(`unsupported label type 0x${len.toString(16)} at ${pos}`);
  if (pos + 1 + len > buf.length) throw new DnsFormatError(`label past the end at ${pos}`);
  return buf.subarray(pos + 1, pos + 1 + len);
}

function byteAt(buf: Buffer, pos: number): number {
  if (pos >= buf.length) throw new DnsFormatError(`name runs past the end at ${pos}`);
  return buf[pos] as number;
}
