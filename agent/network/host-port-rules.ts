/**
 * The rules of pods' host ports, as the kubelet's hostport manager wrote them for kubenet
 * (pkg/kubelet/network/hostport) and the CNI portmap plugin does on k3s and kubeadm clusters:
 * nat PREROUTING and OUTPUT jump to PIKUBE-HOSTPORTS for local destinations (jump-rules.ts);
 * there one rule per host port (protocol, port, and the host IP when one is set) jumps to the
 * mapping's PIKUBE-HP- chain, which marks for masquerade the pod reaching its own host port
 * (hairpin) and localhost clients (route_localnet), then DNATs to podIP:containerPort. Other
 * clients keep their source address. Inputs have passed the whitelist before they get here.
 */
import * as names from './chain-names';
import { hostPortKey, type HostPortMapping } from './host-port-model';
import type { RenderContext } from './service-port-rules';

const LOOPBACK = '127.0.0.0/8';

function compare(a: HostPortMapping, b: HostPortMapping): number {
  const key = (m: HostPortMapping) => `${String(m.hostPort).padStart(5, '0')}/${m.protocol}/${m.hostIP}/${m.pod}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

function renderMapping(ctx: RenderContext, m: HostPortMapping): void {
  const chain = names.hostPortChain(hostPortKey(m));
  const proto = m.protocol.toLowerCase();
  const comment = ['-m', 'comment', '--comment', `"${m.pod} hostport ${m.hostPort}"`];
  const dest = m.hostIP === '' ? [] : ['-d', m.hostIP];
  ctx.nat.append(names.HOSTPORTS_CHAIN, ...comment, '-m', proto, '-p', proto, ...dest, '--dport', String(m.hostPort), '-j', chain);
  ctx.nat.append(chain, ...comment, '-s', m.podIP, '-j', names.MARK_MASQ_CHAIN);
  ctx.nat.append(chain, ...comment, '-s', LOOPBACK, '-j', names.MARK_MASQ_CHAIN);
  ctx.nat.append(chain, ...comment, '-m', proto, '-p', proto, '-j', 'DNAT', '--to-destination', `${m.podIP}:${m.containerPort}`);
}

/**
 * The rules in PIKUBE-HOSTPORTS (declared with the proxy's top-level chains) and one chain per
 * mapping, ordered by port. Two
 * pods claiming the same port and address (placed by hand past the scheduler) both get rules;
 * the first in that order receives the traffic.
 */
export function renderHostPorts(ctx: RenderContext, mappings: HostPortMapping[]): void {
  for (const m of [...mappings].sort(compare)) renderMapping(ctx, m);
}
