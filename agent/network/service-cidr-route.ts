/**
 * The node's side of the service CIDR (issue 4): the whole range is a `local` route (table
 * local, `proto 211`), so a packet to a ClusterIP no rule programs yet is answered by this node
 * (refused) instead of following the default route off the node; programmed ClusterIPs are
 * DNATed before that route matters. Only routes with our protocol number are ever replaced or
 * removed. (`route_localnet` is the service proxy's: it is turned on only once its
 * PIKUBE-FIREWALL rule, which closes the hole it opens, is in place.)
 */
import { runChecked, type CommandRunner } from './command-runner';
import { formatCidr, parseCidr } from './ipv4-cidr';
import { ROUTE_PROTOCOL } from './node-routes';

/** Our local-table routes, as their destinations (`ip -4 -o route show table local proto 211`). */
export function parseLocalRoutes(output: string): string[] {
  return output.split('\n').flatMap((line) => {
    const m = /^local\s+(\S+)/.exec(line.trim());
    const cidr = m ? parseCidr(m[1]) : undefined;
    return cidr ? [formatCidr(cidr)] : [];
  });
}

/** Routes `serviceCIDR` locally; removes a local route of ours for any other range. */
export async function ensureServiceCidrRoute(run: CommandRunner, serviceCIDR: string): Promise<void> {
  const cidr = parseCidr(serviceCIDR);
  if (!cidr) throw new Error(`the service CIDR "${serviceCIDR}" is not an IPv4 CIDR`);
  const wanted = formatCidr(cidr);
  const ours = parseLocalRoutes(await runChecked(run, 'ip', ['-4', '-o', 'route', 'show', 'table', 'local', 'proto', ROUTE_PROTOCOL]));
  for (const stale of ours.filter((d) => d !== wanted)) {
    await runChecked(run, 'ip', ['-4', 'route', 'del', 'local', stale, 'dev', 'lo', 'table', 'local', 'proto', ROUTE_PROTOCOL]);
  }
  if (!ours.includes(wanted)) await runChecked(run, 'ip', ['-4', 'route', 'replace', 'local', wanted, 'dev', 'lo', 'table', 'local', 'proto', ROUTE_PROTOCOL]);
}
