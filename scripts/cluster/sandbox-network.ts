/**
 * How the simulated nodes' agents attach pod sandboxes (the agent's `--sandbox-network`):
 * `PIKUBE_SANDBOX_NETWORK=docker` (or `veth`) runs every agent of a cluster made without an
 * explicit choice with that `--sandbox-network`, so a whole suite can be run through Docker's
 * `pikube` network; nothing leaves the agent's default (veth, agent/network/veth-sandboxes.ts).
 */
export type SandboxNetwork = 'docker' | 'veth';

export function sandboxNetworkFromEnv(env: NodeJS.ProcessEnv = process.env): SandboxNetwork | undefined {
  const value = env.PIKUBE_SANDBOX_NETWORK;
  if (value === undefined || value === '') return undefined;
  if (value === 'docker' || value === 'veth') return value;
  throw new Error(`PIKUBE_SANDBOX_NETWORK="${value}": expected "docker" or "veth"`);
}
