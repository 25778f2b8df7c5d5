/** A hand-written stand-in for Docker's networks API (the real one is exercised by the e2e test). */
import type { BridgeNetworks, BridgeState } from '../../../../agent/network/pod-bridge';

export class FakeBridgeNetworks implements BridgeNetworks {
  readonly networks = new Map<string, BridgeState & { gateway: string }>();
  readonly log: string[] = [];

  async inspect(name: string): Promise<BridgeState | undefined> {
    await Promise.resolve();
    const n = this.networks.get(name);
    return n && { subnet: n.subnet, containerCount: n.containerCount };
  }

  async create(name: string, subnet: string, gateway: string): Promise<void> {
    await Promise.resolve();
    if (this.networks.has(name)) throw new Error(`network ${name} already exists`);
    this.networks.set(name, { subnet, gateway, containerCount: 0 });
    this.log.push(`create ${name} ${subnet} ${gateway}`);
  }

  async remove(name: string): Promise<void> {
    await Promise.resolve();
    this.networks.delete(name);
    this.log.push(`remove ${name}`);
  }
}
