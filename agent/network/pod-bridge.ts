/**
 * The node's pod bridge: a Docker bridge network (`pikube`, Linux bridge `pikube0`) whose
 * subnet is the node's pod CIDR, gateway its first address, with Docker's masquerade off
 * (pod-network-rules.ts masquerades only traffic leaving the cluster). It is recreated when
 * its subnet differs from the pod CIDR, but only while no container uses it: a pod's address
 * is never pulled from under it. Sandboxes the agent attached itself (veth-sandboxes.ts) are
 * not on Docker's network, so they are counted by their address label.
 */
import type Docker from 'dockerode';
import { POD_IP_LABEL } from '../pods/docker-labels';

export const POD_NETWORK_NAME = 'pikube';
export const POD_BRIDGE_NAME = 'pikube0';

export interface BridgeState {
  subnet?: string;
  /** Containers attached now: by Docker, or by the agent (running sandboxes with an address label). */
  containerCount: number;
}

/** The three Docker calls the bridge needs (the real one wraps dockerode; tests use a fake). */
export interface BridgeNetworks {
  inspect(name: string): Promise<BridgeState | undefined>;
  create(name: string, subnet: string, gateway: string): Promise<void>;
  remove(name: string): Promise<void>;
}

export class PodBridgeConflictError extends Error {}

export type BridgeOutcome = 'present' | 'created' | 'recreated';

/** Makes the `pikube` network match `subnet`; throws PodBridgeConflictError when pods hold the old subnet. */
export async function ensurePodBridge(networks: BridgeNetworks, subnet: string, gateway: string): Promise<BridgeOutcome> {
  const state = await networks.inspect(POD_NETWORK_NAME);
  if (state?.subnet === subnet) return 'present';
  if (!state) {
    await networks.create(POD_NETWORK_NAME, subnet, gateway);
    return 'created';
  }
  if (state.containerCount > 0) {
    throw new PodBridgeConflictError(`Docker network "${POD_NETWORK_NAME}" has subnet ${state.subnet ?? 'none'} but this node's pod CIDR is ${subnet}, and ${state.containerCount} container(s) still use it: delete those pods (or their containers) so the network can be recreated`);
  }
  await networks.remove(POD_NETWORK_NAME);
  await networks.create(POD_NETWORK_NAME, subnet, gateway);
  return 'recreated';
}

function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number } | null)?.statusCode === 404;
}

/** BridgeNetworks over dockerode. */
export function dockerBridgeNetworks(docker: Docker): BridgeNetworks {
  return {
    async inspect(name) {
      try {
        const info = (await docker.getNetwork(name).inspect()) as { IPAM?: { Config?: { Subnet?: string }[] }; Containers?: Record<string, unknown> };
        const attached = await docker.listContainers({ filters: { label: [POD_IP_LABEL], status: ['running'] } });
        const users = new Set([...Object.keys(info.Containers ?? {}), ...attached.map((c) => c.Id)]);
        return { subnet: info.IPAM?.Config?.[0]?.Subnet, containerCount: users.size };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async create(name, subnet, gateway) {
      await docker.createNetwork({
        Name: name, Driver: 'bridge', CheckDuplicate: true,
        IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: gateway }] },
        Options: { 'com.docker.network.bridge.name': POD_BRIDGE_NAME, 'com.docker.network.bridge.enable_ip_masquerade': 'false' },
        Labels: { 'io.pikube.network': 'pod' },
      });
    },
    async remove(name) {
      await docker.getNetwork(name).remove();
    },
  };
}
