/**
 * Hands each node one pod subnet (a /24 by default) carved from the cluster CIDR
 * (default 10.42.0.0/16), like kube-controller-manager's range allocator. A subnet is unique
 * across nodes and never reassigned while its node exists; after a restart the allocator is
 * rebuilt from the `spec.podCIDR` of the stored Nodes (`recover`). IPv4 only: a Pi cluster
 * on one home LAN needs nothing more.
 */
import type { Node } from '../../api/core-v1';

export interface Ipv4Cidr {
  /** The network address as an unsigned 32-bit integer. */
  base: number;
  prefix: number;
}

/** Parses `a.b.c.d/n`; throws an Error naming the bad input. The host bits must be zero. */
export function parseIpv4Cidr(text: string): Ipv4Cidr {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const prefix = m ? Number(m[5]) : NaN;
  if (!m || octets.some((o) => o > 255) || prefix > 32) throw new Error(`invalid IPv4 CIDR "${text}"`);
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  if (base % 2 ** (32 - prefix) !== 0) throw new Error(`invalid IPv4 CIDR "${text}": host bits are set`);
  return { base, prefix };
}

export function formatIpv4Cidr(cidr: Ipv4Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(cidr.base / 2 ** shift) % 256);
  return `${octets.join('.')}/${cidr.prefix}`;
}

export class PodCidrExhaustedError extends Error {
  constructor(clusterCidr: string, nodeName: string) {
    super(`no pod CIDR left in cluster CIDR ${clusterCidr} for node "${nodeName}": every subnet is assigned`);
    this.name = 'PodCidrExhaustedError';
  }
}

export interface PodCidrAllocatorOptions {
  /** e.g. `10.42.0.0/16`. */
  clusterCidr: string;
  /** Prefix length of each node's subnet; default 24. */
  nodeMaskSize?: number;
}

export class PodCidrAllocator {
  private readonly cluster: Ipv4Cidr;
  private readonly nodeMask: number;
  /** Subnet index → node name, and the reverse. */
  private readonly byIndex = new Map<number, string>();
  private readonly byNode = new Map<string, number>();

  constructor(private readonly opts: PodCidrAllocatorOptions) {
    this.cluster = parseIpv4Cidr(opts.clusterCidr);
    this.nodeMask = opts.nodeMaskSize ?? 24;
    if (this.nodeMask < this.cluster.prefix || this.nodeMask > 32) {
      throw new Error(`node mask size /${this.nodeMask} does not fit in cluster CIDR ${opts.clusterCidr}`);
    }
  }

  /** How many node subnets the cluster CIDR holds. */
  get capacity(): number {
    return 2 ** (this.nodeMask - this.cluster.prefix);
  }

  /**
   * Marks the subnets already held by stored Nodes as taken. A Node whose podCIDR is outside
   * the cluster CIDR, misaligned, or already claimed by another node is reported, not taken:
   * the caller decides (log it); it will not be handed out twice.
   */
  recover(nodes: Pick<Node, 'metadata' | 'spec'>[]): string[] {
    const problems: string[] = [];
    for (const node of nodes) {
      const name = node.metadata.name ?? '';
      const cidr = node.spec?.podCIDR;
      if (!cidr) continue;
      const problem = this.claim(name, cidr);
      if (problem) problems.push(problem);
    }
    return problems;
  }

  /** Records `cidr` as `nodeName`'s; returns why it could not, or undefined. */
  claim(nodeName: string, cidr: string): string | undefined {
    const index = this.indexOf(cidr);
    if (index === undefined) return `node "${nodeName}" has pod CIDR ${cidr} outside ${this.opts.clusterCidr} /${this.nodeMask} subnets`;
    const holder = this.byIndex.get(index);
    if (holder !== undefined && holder !== nodeName) return `node "${nodeName}" has pod CIDR ${cidr}, already held by node "${holder}"`;
    const previous = this.byNode.get(nodeName);
    if (previous !== undefined && previous !== index) this.byIndex.delete(previous);
    this.byIndex.set(index, nodeName);
    this.byNode.set(nodeName, index);
    return undefined;
  }

  /** The node's subnet: the one it holds, else the lowest free one. Throws PodCidrExhaustedError. */
  allocate(nodeName: string): string {
    const held = this.byNode.get(nodeName);
    if (held !== undefined) return this.format(held);
    for (let index = 0; index < this.capacity; index++) {
      if (this.byIndex.has(index)) continue;
      this.byIndex.set(index, nodeName);
      this.byNode.set(nodeName, index);
      return this.format(index);
    }
    throw new PodCidrExhaustedError(this.opts.clusterCidr, nodeName);
  }

  /** Frees the node's subnet; call only once the Node object is gone. */
  release(nodeName: string): void {
    const index = this.byNode.get(nodeName);
    if (index === undefined) return;
    this.byNode.delete(nodeName);
    this.byIndex.delete(index);
  }

  /** The subnet currently held by the node, if any. */
  cidrOf(nodeName: string): string | undefined {
    const index = this.byNode.get(nodeName);
    return index === undefined ? undefined : this.format(index);
  }

  private format(index: number): string {
    return formatIpv4Cidr({ base: this.cluster.base + index * 2 ** (32 - this.nodeMask), prefix: this.nodeMask });
  }

  private indexOf(cidr: string): number | undefined {
    let parsed: Ipv4Cidr;
    try {
      parsed = parseIpv4Cidr(cidr);
    } catch {
      return undefined;
    }
    const offset = parsed.base - this.cluster.base;
    const size = 2 ** (32 - this.nodeMask);
    if (parsed.prefix !== this.nodeMask || offset < 0 || offset % size !== 0) return undefined;
    const index = offset / size;
    return index < this.capacity ? index : undefined;
  }
}
