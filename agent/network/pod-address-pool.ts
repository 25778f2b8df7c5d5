/**
 * Pod addresses for sandboxes the agent attaches itself (veth-sandboxes.ts), as the CNI
 * host-local IPAM hands them out for the kubelet: from the node's pod CIDR, never the network
 * address, the gateway (the bridge's own address) or the broadcast address. What is taken is
 * read from the runtime each time (every sandbox container carries its address, in a label or
 * in Docker's own network settings), so nothing is persisted and an agent restart loses nothing;
 * addresses handed out but not yet on a container are held here until released.
 */
import { gatewayOf, ipv4ToNumber, numberToIpv4, type Ipv4Cidr } from './ipv4-cidr';

/** An address held for a sandbox being made; `release()` once its container exists (or failed). */
export interface AddressLease {
  address: string;
  release(): void;
}

/** The lowest usable address of `cidr` not in `taken`; undefined when the CIDR is full. */
export function freeAddress(cidr: Ipv4Cidr, taken: ReadonlySet<string>): string | undefined {
  const size = 2 ** (32 - cidr.prefix);
  const gateway = ipv4ToNumber(gatewayOf(cidr));
  for (let offset = 1; offset < size - 1; offset++) {
    const n = cidr.base + offset;
    if (n === gateway) continue;
    const address = numberToIpv4(n);
    if (!taken.has(address)) return address;
  }
  return undefined;
}

export class PodAddressPool {
  private readonly pending = new Set<string>();

  /** An address of `cidr` in neither `taken` (what the runtime's containers hold) nor a lease not yet released. */
  lease(cidr: Ipv4Cidr, taken: ReadonlySet<string>): AddressLease {
    const address = freeAddress(cidr, new Set([...taken, ...this.pending]));
    if (address === undefined) throw new Error(`no free pod address left in ${numberToIpv4(cidr.base)}/${cidr.prefix}`);
    this.pending.add(address);
    return { address, release: () => void this.pending.delete(address) };
  }
}
