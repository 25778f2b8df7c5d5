/**
 * Pod and service CIDRs must not overlap the LAN: a home network on 10.42.x or 10.43.x (or a
 * VPN) would have its traffic swallowed by the pod routes or the service rules. The LAN is what
 * /proc/net/route lists as directly connected (no gateway) on interfaces that are not ours or
 * Docker's.
 */
import { formatCidr, overlaps, parseCidr, type Ipv4Cidr } from '../agent/network/ipv4-cidr';
import type { CheckResult } from './check-result';
import type { HostFiles } from './host-files';

/** Interfaces whose routes are container networks, not the LAN. */
const CONTAINER_INTERFACES = /^(docker\d*|br-[0-9a-f]+|veth.*|pikube.*|cni\d*|flannel.*)$/;

export interface ConnectedRoute {
  iface: string;
  cidr: Ipv4Cidr;
}

/** /proc/net/route stores addresses as little-endian hex. */
function hexToIpv4(hex: string): string {
  const n = Number.parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24].join('.');
}

function prefixOf(maskHex: string): number {
  return Number.parseInt(maskHex, 16).toString(2).split('').filter((b) => b === '1').length;
}

/** Directly connected, non-default routes of LAN interfaces. */
export function connectedLanRoutes(procNetRoute: string): ConnectedRoute[] {
  const routes: ConnectedRoute[] = [];
  for (const line of procNetRoute.split('\n').slice(1)) {
    const [iface, dest, gateway, , , , , mask] = line.trim().split(/\s+/);
    if (!iface || !mask || gateway !== '00000000' || mask === '00000000' || CONTAINER_INTERFACES.test(iface)) continue;
    const cidr = parseCidr(`${hexToIpv4(dest)}/${prefixOf(mask)}`);
    if (cidr) routes.push({ iface, cidr });
  }
  return routes;
}

export interface ClusterRanges {
  clusterCIDR: string;
  serviceCIDR?: string;
}

export function checkLanCidrs(files: HostFiles, ranges: ClusterRanges): CheckResult {
  const lan = connectedLanRoutes(files.read('/proc/net/route') ?? '');
  const clashes: string[] = [];
  for (const [flag, text] of [['--cluster-cidr', ranges.clusterCIDR], ['--service-cidr', ranges.serviceCIDR]] as const) {
    const range = text === undefined ? undefined : parseCidr(text);
    for (const r of range ? lan.filter((l) => overlaps(l.cidr, range)) : []) clashes.push(`${flag} ${text} overlaps ${formatCidr(r.cidr)} on ${r.iface}`);
  }
  const lanText = lan.map((r) => `${formatCidr(r.cidr)} on ${r.iface}`).join(', ') || 'none found';
  if (clashes.length === 0) return { name: 'lan-cidrs', status: 'pass', message: `pod and service CIDRs are clear of the LAN (${lanText})` };
  return {
    name: 'lan-cidrs', status: 'fail',
    message: `${clashes.join('; ')}: pod or service traffic would be routed into the LAN`,
    fix: 'choose ranges the LAN does not use, in /etc/pikube/server.yaml (cluster-cidr, service-cidr) and the same cluster-cidr in every agent.yaml',
  };
}
