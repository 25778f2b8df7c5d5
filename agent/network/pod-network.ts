/**
 * The node's part of the pod network (DESIGN.md Networking, like flannel host-gw). On each
 * Welcome it checks the node's pod CIDR (inside the cluster CIDR, no clash with the host's
 * routes), ensures the `pikube` bridge network with that subnet, turns on forwarding and
 * applies its iptables chains; from then on pod sandboxes join that network
 * (SandboxNetwork). The service CIDR the Welcome names is routed locally
 * (service-cidr-route.ts). On each change of the peer nodes (peer-nodes.ts) it routes every other node's pod CIDR via that node's
 * address and removes routes of nodes that left. Work is serialised and level-triggered: each
 * step reads what is there and converges; a failure is logged and retried.
 */
import type { Node } from '../../api/core-v1';
import { NO_NETWORK } from '../pods/container-spec';
import type { SandboxNetwork } from '../pods/sandbox-network';
import { runChecked, type CommandRunner } from './command-runner';
import { overlapError, overlappingHostRoutes } from './host-route-overlap';
import { detectBackend, type IptablesBackend } from './iptables-backend';
import { contains, formatCidr, gatewayOf, overlaps, parseCidr, type Ipv4Cidr } from './ipv4-cidr';
import { desiredRoutes, NodeRoutes, type PeerNode } from './node-routes';
import { ensurePodBridge, POD_BRIDGE_NAME, POD_NETWORK_NAME, type BridgeNetworks } from './pod-bridge';
import { applyPodNetworkRules } from './pod-network-rules';
import { ensureServiceCidrRoute } from './service-cidr-route';
import { PodAddressPool, type AddressLease } from './pod-address-pool';
import { VethSandboxes } from './veth-sandboxes';

/** How pod sandboxes join the pod bridge: through Docker's `pikube` network, or attached by the agent (veth-sandboxes.ts). */
export type SandboxAttachment = 'docker' | 'veth';

export interface PodNetworkOptions {
  nodeName: string;
  /** e.g. 10.42.0.0/16 (`--cluster-cidr`). */
  clusterCIDR: string;
  run: CommandRunner;
  networks: BridgeNetworks;
  /** Detected from the runner when absent. */
  backend?: IptablesBackend;
  /** Called once the bridge is set up for a pod CIDR (again when that CIDR changes), with the bridge's address. */
  onReady?(gateway: string): void;
  /** Called when readinessProblem() changes (the node's Ready condition follows it). */
  onReadinessChange?(): void;
  /** Default `docker`. */
  sandboxAttachment?: SandboxAttachment;
  /** Pause after a failed step before trying again; default 5 s. */
  retryMs?: number;
  log?: (message: string) => void;
}

export class PodNetwork implements SandboxNetwork {
  private readonly cluster: Ipv4Cidr;
  private readonly routes: NodeRoutes;
  private readonly lifetime = new AbortController();
  private readonly log: (message: string) => void;
  private backend?: IptablesBackend;
  private podCIDR?: string;
  private serviceCIDR?: string;
  /** The pod CIDR the bridge and rules were last set up for; pods join the network while it is set. */
  private readyFor?: string;
  /** A Welcome came (or a set-up failed): the bridge and rules are checked again. */
  private setUpPending = false;
  private problem = "waiting for the control plane to assign this node's pod CIDR";
  private peers?: PeerNode[];
  /** The routes to the peers' pod CIDRs were programmed once in this run. */
  private routesSynced = false;
  /** Why programming the routes failed, while they never were. */
  private routesError?: string;
  /** The subnet of a bridge an earlier run left (its set-up counts until a Welcome names another pod CIDR). */
  private carriedOver?: string;
  private lastReadiness?: string;
  private chain: Promise<void> = Promise.resolve();
  private retry?: NodeJS.Timeout;
  readonly veth?: VethSandboxes;
  private readonly addresses = new PodAddressPool();

  constructor(private readonly opts: PodNetworkOptions) {
    const cluster = parseCidr(opts.clusterCIDR);
    if (!cluster) throw new Error(`cluster CIDR "${opts.clusterCIDR}" is not an IPv4 CIDR`);
    this.cluster = cluster;
    this.routes = new NodeRoutes(opts.run);
    this.backend = opts.backend;
    this.log = opts.log ?? (() => undefined);
    if (opts.sandboxAttachment === 'veth') this.veth = new VethSandboxes(opts.run, () => this.vethBridge());
    this.lastReadiness = this.readinessProblem();
  }

  networkName(): string | undefined {
    if (this.readyFor === undefined) return undefined;
    return this.veth ? NO_NETWORK : POD_NETWORK_NAME;
  }

  private vethBridge(): { bridge: string; cidr: Ipv4Cidr; gateway: string } | undefined {
    const cidr = this.readyFor !== undefined ? parseCidr(this.readyFor) : undefined;
    return cidr ? { bridge: POD_BRIDGE_NAME, cidr, gateway: gatewayOf(cidr) } : undefined;
  }

  /**
   * An address of the pod CIDR for a new sandbox, none of `taken` (what the node's sandboxes held
   * in a listing requested at `listedAtMs`; pod-address-pool.ts). Both modes take it: the agent
   * attaches it itself (veth), or Docker's IPAM is told to use it (docker), so a node switched
   * from one mode to the other never hands an address out twice.
   */
  leaseAddress(taken: ReadonlySet<string>, listedAtMs: number): AddressLease {
    const cidr = this.readyFor !== undefined ? parseCidr(this.readyFor) : undefined;
    if (!cidr) throw new Error(this.notReadyReason());
    return this.addresses.lease(cidr, taken, listedAtMs);
  }

  notReadyReason(): string {
    return `pod network not ready: ${this.problem}`;
  }

  /**
   * Why a pod started now would lack its network (the node stays not Ready meanwhile, as a
   * kubelet's NetworkReady=false); undefined once the bridge, forwarding, rules and the routes
   * to the other nodes' pod CIDRs are in place. A bridge an earlier run left counts until the
   * Welcome names another pod CIDR: its rules and routes outlived that run, and the pods on it
   * keep working while the agent restarts.
   */
  readinessProblem(): string | undefined {
    if (this.readyFor !== undefined) return this.routesProblem();
    if (this.carriedOver !== undefined && (this.podCIDR === undefined || this.podCIDR === this.carriedOver)) return undefined;
    return this.notReadyReason();
  }

  /** With the bridge set up: the routes, programmed once in this run (an earlier run's are still there meanwhile). */
  private routesProblem(): string | undefined {
    if (this.routesSynced || this.carriedOver === this.readyFor) return undefined;
    const why = this.peers ? (this.routesError ?? 'programming them') : 'waiting for the list of nodes';
    return `routes to the other nodes' pod CIDRs not programmed yet: ${why}`;
  }

  /** The Node as stored: its spec.podCIDR sets up the bridge; a service CIDR ('' when not told) is routed locally. */
  onWelcome(node: Node, serviceCIDR = ''): void {
    this.podCIDR = node.spec?.podCIDR;
    this.serviceCIDR = serviceCIDR || undefined;
    this.setUpPending = true;
    this.enqueue();
  }

  /** Every node's pod CIDR and address (the full set each time). */
  onPeers(peers: PeerNode[]): void {
    this.peers = peers;
    this.enqueue();
  }

  /** The pod bridge's address (cluster DNS listens there); undefined until the bridge is set up. */
  gateway(): string | undefined {
    const pod = this.readyFor !== undefined ? parseCidr(this.readyFor) : undefined;
    return pod ? gatewayOf(pod) : undefined;
  }

  /**
   * The address of a bridge an earlier run left (the bridge outlives the agent), known before
   * any Welcome: cluster DNS can answer there at once, even with the control plane away.
   */
  async existingGateway(): Promise<string | undefined> {
    const state = await this.opts.networks.inspect(POD_NETWORK_NAME).catch(() => undefined);
    const cidr = state?.subnet ? parseCidr(state.subnet) : undefined;
    if (!cidr || !contains(this.cluster, cidr)) return undefined;
    if (this.readyFor === undefined) this.carriedOver = formatCidr(cidr);
    this.tellReadiness();
    return gatewayOf(cidr);
  }

  /** Resolves once the work queued so far is done (tests). */
  settled(): Promise<void> {
    return this.chain;
  }

  /** Stops retrying; the bridge, routes and rules stay (pods keep their network while the agent restarts). */
  dispose(): void {
    this.lifetime.abort();
    clearTimeout(this.retry);
  }

  private enqueue(): void {
    if (this.lifetime.signal.aborted) return;
    this.chain = this.chain.then(() => this.converge());
  }

  private async converge(): Promise<void> {
    if (this.lifetime.signal.aborted) return;
    try {
      if (this.setUpPending) await this.setUp();
      if (this.readyFor !== undefined && this.peers) await this.syncRoutes(this.peers);
    } catch (err: unknown) {
      this.problem = err instanceof Error ? err.message : String(err);
      if (this.readyFor !== undefined) this.routesError = this.problem;
      this.log(`pod network: ${this.problem}; retrying in ${this.opts.retryMs ?? 5000} ms`);
      clearTimeout(this.retry);
      this.retry = setTimeout(() => this.enqueue(), this.opts.retryMs ?? 5000);
    }
    this.tellReadiness();
  }

  private tellReadiness(): void {
    const readiness = this.readinessProblem();
    if (readiness === this.lastReadiness) return;
    this.lastReadiness = readiness;
    this.opts.onReadinessChange?.();
  }

  /** Idempotent: re-run on every Welcome (repairs a removed bridge or flushed chain). */
  private async setUp(): Promise<void> {
    if (this.podCIDR !== this.readyFor) this.readyFor = undefined; // a new pod CIDR: new pods wait for it
    if (!this.podCIDR) return;
    const pod = this.checkedPodCidr(this.podCIDR);
    const service = this.checkedServiceCidr();
    await this.checkHostRoutes(service);
    const outcome = await ensurePodBridge(this.opts.networks, formatCidr(pod), gatewayOf(pod));
    await runChecked(this.opts.run, 'sysctl', ['-w', 'net.ipv4.ip_forward=1']);
    this.backend ??= await detectBackend(this.opts.run);
    await applyPodNetworkRules(this.opts.run, this.backend, { clusterCIDR: formatCidr(this.cluster), podCIDR: formatCidr(pod) });
    if (service) await ensureServiceCidrRoute(this.opts.run, formatCidr(service));
    this.setUpPending = false;
    const first = this.readyFor === undefined;
    this.readyFor = this.podCIDR;
    if (!first) return;
    this.log(`pod network ready: bridge network "${POD_NETWORK_NAME}" ${formatCidr(pod)} (${outcome}), cluster ${formatCidr(this.cluster)}`);
    this.opts.onReady?.(gatewayOf(pod));
  }

  private checkedPodCidr(text: string): Ipv4Cidr {
    const pod = parseCidr(text);
    if (!pod) throw new Error(`the node's pod CIDR "${text}" is not an IPv4 CIDR`);
    if (!contains(this.cluster, pod)) throw new Error(`the node's pod CIDR ${text} is not inside the cluster CIDR ${formatCidr(this.cluster)} (--cluster-cidr must match the control plane's)`);
    return pod;
  }

  private checkedServiceCidr(): Ipv4Cidr | undefined {
    if (this.serviceCIDR === undefined) return undefined;
    const service = parseCidr(this.serviceCIDR);
    if (!service) throw new Error(`the service CIDR "${this.serviceCIDR}" is not an IPv4 CIDR`);
    if (overlaps(service, this.cluster)) throw new Error(`the service CIDR ${formatCidr(service)} overlaps the cluster CIDR ${formatCidr(this.cluster)}`);
    return service;
  }

  private async checkHostRoutes(service: Ipv4Cidr | undefined): Promise<void> {
    const routes = await runChecked(this.opts.run, 'ip', ['-4', '-o', 'route', 'show']);
    const clash = overlappingHostRoutes(routes, this.cluster);
    if (clash.length > 0) throw new Error(overlapError('cluster', this.cluster, clash));
    const serviceClash = service ? overlappingHostRoutes(routes, service) : [];
    if (service && serviceClash.length > 0) throw new Error(overlapError('service', service, serviceClash));
  }

  /** Routes only to pod CIDRs inside the cluster CIDR: a peer cannot steer other traffic. */
  private async syncRoutes(peers: PeerNode[]): Promise<void> {
    const { routes, problems } = desiredRoutes(this.opts.nodeName, peers);
    for (const problem of problems) this.log(`pod network: ${problem}`);
    const inside = routes.filter((r) => contains(this.cluster, parseCidr(r.destination) as Ipv4Cidr));
    const diff = await this.routes.sync(inside);
    this.routesSynced = true;
    if (diff.replace.length + diff.remove.length > 0) this.log(`pod network routes: ${diff.replace.map((r) => `+${r.destination} via ${r.via}`).concat(diff.remove.map((d) => `-${d}`)).join(', ')}`);
  }
}
