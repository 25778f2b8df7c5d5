/**
 * Routes to the other nodes' pod CIDRs (flannel host-gw): `<podCIDR> via <node InternalIP>`.
 * Every route we add carries our own routing protocol number (`proto 211`), and only routes
 * with that number are ever replaced or deleted, so the node's other routes are never touched.
 * Pod IPs are unique cluster-wide because the control plane gives each node a distinct pod
 * CIDR from the cluster CIDR (control-plane/nodes/pod-cidr-allocator.ts).
 */
import { runChecked, type CommandRunner } from './command-runner';
import { formatCidr, isIpv4, parseCidr } from './ipv4-cidr';

/** Our routes' protocol number (rtnetlink RTPROT_*: values above 200 are free for local use). */
export const ROUTE_PROTOCOL = '211';

export interface PeerNode {
  name: string;
  podCIDR: string;
  internalIP: string;
}

export interface NodeRoute {
  /** Normalised CIDR. */
  destination: string;
  via: string;
}

export interface RouteDiff {
  /** Added or changed (`ip route replace`). */
  replace: NodeRoute[];
  /** Our routes no node wants any more. */
  remove: string[];
}

/** The routes this node wants: every other node's pod CIDR via its address; malformed peers are reported, not routed. */
export function desiredRoutes(selfName: string, peers: PeerNode[]): { routes: NodeRoute[]; problems: string[] } {
  const routes: NodeRoute[] = [];
  const problems: string[] = [];
  for (const peer of peers) {
    if (peer.name === selfName) continue;
    const cidr = parseCidr(peer.podCIDR);
    if (!cidr || !isIpv4(peer.internalIP)) problems.push(`node "${peer.name}": pod CIDR "${peer.podCIDR}" via "${peer.internalIP}" is not IPv4`);
    else routes.push({ destination: formatCidr(cidr), via: peer.internalIP });
  }
  return { routes, problems };
}

/** What to change so that `current` (our routes now) becomes `desired`. */
export function diffRoutes(current: NodeRoute[], desired: NodeRoute[]): RouteDiff {
  const now = new Map(current.map((r) => [r.destination, r.via]));
  const wanted = new Set(desired.map((r) => r.destination));
  return {
    replace: desired.filter((r) => now.get(r.destination) !== r.via),
    remove: current.filter((r) => !wanted.has(r.destination)).map((r) => r.destination),
  };
}

/** Parses `ip -4 -o route show proto 211` lines: `10.42.2.0/24 via 192.168.1.12 dev eth0 ...`. */
export function parseRoutes(output: string): NodeRoute[] {
  const routes: NodeRoute[] = [];
  for (const line of output.split('\n')) {
    const m = /^(\S+)\s+via\s+(\S+)/.exec(line.trim());
    const cidr = m ? parseCidr(m[1]) : undefined;
    if (m && cidr) routes.push({ destination: formatCidr(cidr), via: m[2] });
  }
  return routes;
}

/** Programs our routes in the namespace the runner runs in. */
export class NodeRoutes {
  constructor(private readonly run: CommandRunner) {}

  async current(): Promise<NodeRoute[]> {
    return parseRoutes(await runChecked(this.run, 'ip', ['-4', '-o', 'route', 'show', 'proto', ROUTE_PROTOCOL]));
  }

  /** Converges our routes to `desired`; returns what it changed. */
  async sync(desired: NodeRoute[]): Promise<RouteDiff> {
    const diff = diffRoutes(await this.current(), desired);
    for (const r of diff.replace) await runChecked(this.run, 'ip', ['-4', 'route', 'replace', r.destination, 'via', r.via, 'proto', ROUTE_PROTOCOL]);
    for (const d of diff.remove) await runChecked(this.run, 'ip', ['-4', 'route', 'del', d, 'proto', ROUTE_PROTOCOL]);
    return diff;
  }
}
