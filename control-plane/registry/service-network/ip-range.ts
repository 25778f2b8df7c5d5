/**
 * An IPv4 service CIDR as a range of ordinals (offsets from the network address), like
 * Kubernetes' ipallocator: the network and broadcast addresses are never handed out, and the
 * first address (offset 1) belongs to the `kubernetes` service, so automatic allocation starts
 * at offset 2. The lowest addresses are a static band (KEP-3070), taken by automatic
 * allocation only once the rest is full, so the well-known ones (the `.10` of `kube-dns`)
 * stay free for whoever asks for them by address.
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

/** The address of the `kube-dns` Service: the tenth of the range, as kubeadm and k3s place it; none in a range too small. */
export function clusterDnsServiceIp(range: IpRange): string | undefined {
  return ordinalOf(range, ipAt(range, 10)) === undefined ? undefined : ipAt(range, 10);
}

/** Addresses in the static band: min(max(16, size / 16), 256), none in a range of 16 or fewer (the apiserver's calculateRangeOffset). */
export function staticBandSize(range: IpRange): number {
  if (range.size <= 16) return 0;
  return Math.min(Math.max(16, Math.floor(range.size / 16)), 256);
}

export interface OrdinalBand {
  first: number;
  last: number;
}

/**
 * Ordinals automatic allocation may pick (first and last inclusive), in the order it tries
 * them: the dynamic band above the static one, then what is left of the static band.
 */
export function dynamicOrdinals(range: IpRange): OrdinalBand[] {
  const band = staticBandSize(range);
  const upper = { first: Math.max(2, band + 1), last: range.size - 2 };
  return band <= 1 ? [upper] : [upper, { first: 2, last: band }];
}
