/**
 * Pod addresses for sandboxes the agent attaches itself (veth-sandboxes.ts), as the CNI
 * host-local IPAM hands them out for the kubelet: from the node's pod CIDR, round robin, never the network
 * address, the gateway (the bridge's own address) or the broadcast address. What is taken is
 * read from the runtime each time (every sandbox container carries its address, in a label or
 * in Docker's own network settings), so nothing is persisted and an agent restart loses nothing.
 *
 * Sandboxes are made concurrently, and a listing may have been answered before another
 * worker's container existed: every address handed out is therefore also remembered here,
 * and forgotten only when a listing that began after its container was created no longer
 * shows it (the sandbox is gone), or when its container could not be created at all.
 */
import { gatewayOf, ipv4ToNumber, numberToIpv4, type Ipv4Cidr } from './ipv4-cidr';

/** An address handed out for a sandbox being made. */
export interface AddressLease {
  address: string;
  /** Its container exists (and carries the address) from `atMs` on. */
  created(atMs: number): void;
  /** No container was made with it: the address is free again. */
  release(): void;
}

/**
 * The first usable address of `cidr` not in `taken`, searching from the one after `after`
 * round the CIDR (host-local IPAM's order: an address just freed is the last to be used
 * again); undefined when the CIDR is full.
 */
export function freeAddress(cidr: Ipv4Cidr, taken: ReadonlySet<string>, after?: string): string | undefined {
  const size = 2 ** (32 - cidr.prefix);
  const gateway = ipv4ToNumber(gatewayOf(cidr));
  const start = after === undefined ? 0 : ipv4ToNumber(after) - cidr.base;
  for (let i = 1; i <= size; i++) {
    const offset = (((start + i) % size) + size) % size;
    if (offset === 0 || offset === size - 1) continue;
    const n = cidr.base + offset;
    if (n === gateway) continue;
    const address = numberToIpv4(n);
    if (!taken.has(address)) return address;
  }
  return undefined;
}

interface HandedOut {
  createdAtMs?: number;
}

export class PodAddressPool {
  private readonly handedOut = new Map<string, HandedOut>();
  /** The last address handed out: the next search starts after it. */
  private last: string | undefined;

  /**
   * An address of `cidr` that neither the listing (`taken`, requested at `listedAtMs`) nor an
   * address handed out earlier holds.
   */
  lease(cidr: Ipv4Cidr, taken: ReadonlySet<string>, listedAtMs: number): AddressLease {
    this.forgetGone(taken, listedAtMs);
    const address = freeAddress(cidr, new Set([...taken, ...this.handedOut.keys()]), this.last);
    if (address === undefined) throw new Error(`no free pod address left in ${numberToIpv4(cidr.base)}/${cidr.prefix}`);
    this.last = address;
    const entry: HandedOut = {};
    this.handedOut.set(address, entry);
    return {
      address,
      created: (atMs) => void (entry.createdAtMs = atMs),
      release: () => void (this.handedOut.get(address) === entry && this.handedOut.delete(address)),
    };
  }

  /** Addresses whose container existed before the listing began and is not in it: that sandbox is gone. */
  private forgetGone(taken: ReadonlySet<string>, listedAtMs: number): void {
    for (const [address, entry] of this.handedOut) {
      if (entry.createdAtMs !== undefined && entry.createdAtMs < listedAtMs && !taken.has(address)) this.handedOut.delete(address);
    }
  }
}
