/**
 * IP address text ⇄ bytes for A/AAAA data, and the reverse-lookup names of addresses
 * (in-addr.arpa, RFC 1035 §3.5; ip6.arpa, RFC 3596 §2.5).
 */
import { isIPv4, isIPv6 } from 'node:net';

/** The 4 bytes of a dotted-quad address, or undefined when `text` is not one. */
export function ipv4Bytes(text: string): Buffer | undefined {
  if (!isIPv4(text)) return undefined;
  return Buffer.from(text.split('.').map(Number));
}

/** The 16 bytes of an IPv6 address (with '::' and an IPv4 tail allowed), or undefined. */
export function ipv6Bytes(text: string): Buffer | undefined {
  if (!isIPv6(text)) return undefined;
  const groups = ipv6Groups(withHexTail(text));
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** '::ffff:1.2.3.4' as '::ffff:102:304', so that every group is hex. */
function withHexTail(text: string): string {
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  const v4 = tail === undefined ? undefined : ipv4Bytes(tail);
  if (tail === undefined || v4 === undefined) return text;
  return `${text.slice(0, -tail.length)}${v4.readUInt16BE(0).toString(16)}:${v4.readUInt16BE(2).toString(16)}`;
}

/** The eight hex groups of an address whose groups are all hex, '::' expanded to zeros. */
function ipv6Groups(text: string): string[] {
  const [head = '', tail] = text.split('::');
  const split = (s: string): string[] => (s === '' ? [] : s.split(':'));
  if (tail === undefined) return split(head);
  const zeros = 8 - split(head).length - split(tail).length;
  return [...split(head), ...Array<string>(zeros).fill('0'), ...split(tail)];
}

/** IPv6 bytes in RFC 5952 text (WHATWG URL host serialisation implements exactly that). */
export function ipv6Text(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

/** The PTR owner name of an address ('5.1.43.10.in-addr.arpa'), or undefined when `ip` is not an address. */
export function reverseName(ip: string): string | undefined {
  if (isIPv4(ip)) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  const bytes = ipv6Bytes(ip);
  if (bytes === undefined) return undefined;
  const nibbles = [...bytes.toString('hex')].reverse();
  return `${nibbles.join('.')}.ip6.arpa`;
}
