/**
 * The agent refuses a cluster or service CIDR that overlaps a route of its host other than its
 * own (a LAN or VPN on 10.42.x would silently swallow pod or service traffic). Ours are the routes we add
 * (`proto 211`) and the pod bridge's connected route.
 */
import { ROUTE_PROTOCOL } from './node-routes';
import { formatCidr, overlaps, parseCidr, type Ipv4Cidr } from './ipv4-cidr';
import { POD_BRIDGE_NAME } from './pod-bridge';

/** Routes of `ip -4 -o route show` (main table) overlapping `cidr`, ours excepted, as their lines. */
export function overlappingHostRoutes(routeOutput: string, cidr: Ipv4Cidr): string[] {
  const found: string[] = [];
  for (const raw of routeOutput.split('\n')) {
    const line = raw.trim();
    const words = line.split(/\s+/);
    if (line === '' || words[0] === 'default' || isOurs(words)) continue;
    const destination = parseCidr(words[0]);
    if (destination && destination.prefix > 0 && overlaps(destination, cidr)) found.push(line);
  }
  return found;
}

function isOurs(words: string[]): boolean {
  const after = (key: string): string | undefined => words[words.indexOf(key) + 1];
  return (words.includes('proto') && after('proto') === ROUTE_PROTOCOL) || (words.includes('dev') && after('dev') === POD_BRIDGE_NAME);
}

/** `range` names the flag: 'cluster' (--cluster-cidr) or 'service' (--service-cidr). */
export function overlapError(range: 'cluster' | 'service', cidr: Ipv4Cidr, routes: string[]): string {
  const fix = range === 'cluster' ? "another --cluster-cidr (and the control plane's)" : "another --service-cidr for the control plane";
  return `the ${range} CIDR ${formatCidr(cidr)} overlaps this host's own route(s): ${routes.join('; ')}; choose ${fix} or move that network`;
}
