/**
 * An IPv4 service CIDR as a range of ordinals (offsets from the network address), like
 * Kubernetes' ipallocator: the network and broadcast addresses are never handed out, and the
 * first address (offset 1) belongs to the `kubernetes` service, so automatic allocation starts
 * at offset 2.
 */
import { isIPv4 } from 'node:net';

export interface IpRange {
  /** As configured: `10.43.0.0/16`. */
  cidr: string;
  /** The network address as an unsigned 32-bit number. */
  base: number;
  /** Addresses in the CIDR, network and broadcast included. */
  size: number;
}

export function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** Throws on anything but an IPv4 CIDR with a prefix of /8 to /30. */
export function parseIpRange(cidr: string): IpRange {
  const m = /^([^/]+)\/(\d+)$/.exec(cidr);
  const bits = m ? Number(m[2]) : NaN;
  if (!m || !isIPv4(m[1]) || bits < 8 || bits > 30) throw new Error(`service CIDR must be an IPv4 CIDR from /8 to /30, got "${cidr}"`);
  const size = 2 ** (32 - bits);
  const base = ipToNumber(m[1]) - (ipToNumber(m[1]) % size);
  return { cidr: `${numberToIp(base)}/${bits}`, base, size };
}

/** The ordinal of `ip` in the range, or undefined when it is outside or not assignable. */
export function ordinalOf(range: IpRange, ip: string): number | undefined {
  if (!isIPv4(ip)) return undefined;
  const offset = ipToNumber(ip) - range.base;
  return offset >= 1 && offset <= range.size - 2 ? offset : undefined;
}

export function ipAt(range: IpRange, ordinal: number): string {
  return numberToIp(range.base + ordinal);
}

/** The address of the `kubernetes` service: the first of the range. */
export function kubernetesServiceIp(range: IpRange): string {
  return ipAt(range, 1);
}

/** Ordinals automatic allocation may pick (first and last inclusive). */
export function dynamicOrdinals(range: IpRange): { first: number; last: number } {
  return { first: 2, last: range.size - 2 };
}
