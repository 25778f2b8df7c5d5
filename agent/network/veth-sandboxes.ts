/**
 * Pod sandboxes attached to the node's pod bridge by the agent, as the CNI bridge plugin does
 * for the kubelet (`--sandbox-network veth`): the pause container runs with Docker's `none`
 * network, then a veth pair is made, one end in the sandbox's network namespace as `eth0`
 * with the pod's address and a default route via the bridge, the other end on the bridge
 * (`pikube0`) with hairpin on (the kubelet's default hairpin-veth mode: a pod reaches itself
 * through a Service). The pair lives as long as the namespace, so there is nothing to tear
 * down: removing the pause container removes both ends.
 *
 * Why not Docker's bridge network (`--sandbox-network docker`): Docker sets up its embedded
 * DNS server in every container that joins a user-defined network (rules inside the
 * container's namespace), which pods do not use (each gets the cluster's resolv.conf); on the
 * simulated nodes, 30 pause + app pairs started ≈ 1.6× slower on the `pikube` network than
 * without one (docs/benchmarks.md, pod-startup).
 */
import { runChecked, type CommandRunner } from './command-runner';
import { isIpv4, type Ipv4Cidr } from './ipv4-cidr';

/** The bridge the sandboxes join, once the pod network is ready. */
export interface VethBridge {
  bridge: string;
  cidr: Ipv4Cidr;
  gateway: string;
}

/** Host-side interface names: `pk` and the start of the sandbox's container id (at most 15 characters, Linux's limit). */
export function hostInterfaceOf(containerId: string): string {
  if (!/^[0-9a-f]{12,}$/.test(containerId)) throw new Error(`container id "${containerId}" is not a Docker id`);
  return `pk${containerId.slice(0, 12)}`;
}

/** The `ip -batch` input of the node's side: the pair, its host end on the bridge, hairpin, up. */
export function hostSideBatch(bridge: string, hostInterface: string, pid: number): string {
  return [
    `link add ${hostInterface} type veth peer name eth0 netns ${pid}`,
    `link set ${hostInterface} master ${bridge}`,
    `link set ${hostInterface} type bridge_slave hairpin on`,
    `link set ${hostInterface} up`,
  ].join('\n');
}

/**
 * The MAC of a pod address, as Docker derives its containers' (02:42 and the four octets): an
 * address used again by a later pod keeps its MAC, so the node's and the other pods' neighbour
 * caches stay right (with a random MAC, traffic to a reused address went to the old pod's
 * MAC until the stale entry was probed again, seconds to tens of seconds later: a rolling
 * update's new pods failed their readiness probes that long).
 */
export function macOf(address: string): string {
  return ['02', '42', ...address.split('.').map((o) => Number(o).toString(16).padStart(2, '0'))].join(':');
}

/** The `ip -batch` input inside the sandbox: loopback, eth0's MAC and the pod's address on it, the default route. */
export function sandboxSideBatch(address: string, prefix: number, gateway: string): string {
  return ['link set lo up', `link set eth0 address ${macOf(address)}`, `addr add ${address}/${prefix} dev eth0`, 'link set eth0 up', `route add default via ${gateway}`].join('\n');
}

/** Whether `ip -o -4 addr show dev eth0` output (inside the sandbox) lists `address`. */
export function showsAddress(ipAddrOutput: string, address: string): boolean {
  return ipAddrOutput.split('\n').some((line) => line.includes(` inet ${address}/`));
}

/**
 * Both sides in one process started by the agent (the batches and the namespace as arguments,
 * never in the script): each process the agent forks costs it a copy of its page tables, which
 * on a busy node took ≈ 14 ms of the agent's CPU, and a shell's forks of `ip` cost far less.
 */
export const ATTACH_SCRIPT = 'printf \'%s\\n\' "$1" | ip -batch - && printf \'%s\\n\' "$2" | nsenter --net="$3" ip -batch -';

export class VethSandboxes {
  /** `bridge()` is undefined while the pod network is not ready. */
  constructor(private readonly run: CommandRunner, readonly bridge: () => VethBridge | undefined) {}

  /** Gives the running sandbox (its process `pid`) its interface and `address`. */
  async attach(containerId: string, pid: number, address: string): Promise<void> {
    const b = this.bridge();
    if (!b) throw new Error('pod network not ready');
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`sandbox ${containerId} has no process (pid ${pid})`);
    if (!isIpv4(address)) throw new Error(`"${address}" is not an IPv4 address`);
    const host = hostInterfaceOf(containerId);
    await runChecked(this.run, 'sh', ['-c', ATTACH_SCRIPT, 'sh', hostSideBatch(b.bridge, host, pid), sandboxSideBatch(address, b.cidr.prefix, b.gateway), `/proc/${pid}/ns/net`]);
  }

  /**
   * Whether the running sandbox (its process `pid`) has its `eth0` with `address`: false when an
   * agent stopped between the sandbox's start and its attach (no eth0, or not all of it set up).
   * Rejects when the namespace cannot be read at all (the pass is retried).
   */
  async isAttached(pid: number, address: string): Promise<boolean> {
    const r = await this.run('nsenter', [`--net=/proc/${pid}/ns/net`, 'ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0', 'up']);
    if (r.code === 0) return showsAddress(r.stdout, address);
    if (/does not exist/.test(r.stderr)) return false;
    throw new Error(`reading the sandbox's interfaces (pid ${pid}): exited ${r.code}: ${r.stderr.trim()}`);
  }
}
