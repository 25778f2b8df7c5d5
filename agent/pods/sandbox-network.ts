/**
 * Where pod sandboxes get their address: the Docker network the node's pod network provides
 * (agent/network/pod-network.ts). Until it is ready, pods that need a new sandbox wait, so no
 * pod ever gets an address on Docker's default bridge. hostNetwork pods never wait.
 */
import type { AddressLease } from '../network/pod-address-pool';
import type { VethSandboxes } from '../network/veth-sandboxes';

export interface SandboxNetwork {
  /** The Docker network to join, or undefined while the pod network is not ready. */
  networkName(): string | undefined;
  /** Why it is not ready (a pod's waiting message). */
  notReadyReason(): string;
  /**
   * Present when the agent attaches sandboxes itself (`--sandbox-network veth`): the network
   * named is then `none`, and each new sandbox gets its address and interface from here.
   */
  readonly veth?: VethSandboxes;
  /**
   * An address for a new sandbox, none of `taken` (the addresses the node's sandboxes held in a
   * listing requested at `listedAtMs`). Absent: Docker's IPAM picks one (test fakes).
   */
  leaseAddress?(taken: ReadonlySet<string>, listedAtMs: number): AddressLease;
}
