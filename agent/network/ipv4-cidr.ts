/**
 * IPv4 CIDRs for the pod network: parsed strictly (they end up in `ip route` and iptables
 * arguments), compared for overlap. A CIDR is normalised to its network address.
 */
export interface Ipv4Cidr {
  /** The network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

export function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** `a.b.c.d/n` (a bare address is a /32); undefined when malformed. */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const [ip = '', prefixText = '32', extra] = text.split('/');
  if (extra !== undefined || !isIpv4(ip) || !/^(3[0-2]|[12]?\d)$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return { base: (ipv4ToNumber(ip) & maskOf(prefix)) >>> 0, prefix };
}

export function formatCidr(cidr: Ipv4Cidr): string {
  return `${numberToIpv4(cidr.base)}/${cidr.prefix}`;
}

/** Whether the two ranges share at least one address. */
export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  const mask = maskOf(Math.min(a.prefix, b.prefix));
  return ((a.base & mask) >>> 0) === ((b.base & mask) >>> 0);
}

/** Whether `inner` lies wholly inside `outer`. */
export function contains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.prefix >= outer.prefix && overlaps(outer, inner);
}

/** The first host address (the bridge's gateway, `.1` of a /24). */
export function gatewayOf(cidr: Ipv4Cidr): string {
  return numberToIpv4(cidr.base + 1);
}
