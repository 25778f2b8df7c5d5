/**
 * The simulated home LAN: a bridge inside a namespace of its own (the switch), one cable
 * (veth pair) per simulated Pi, and one cable to the machine, whose end carries the LAN
 * address .1 like a laptop on the home network. That interface is the only change made to
 * the machine's own namespace; a bridge there would be subject to the machine's bridge
 * netfilter and FORWARD policy. Nodes get no default route: the LAN is all they reach.
 */
import { createNetns, deleteNetns } from './netns';
import { runCommand } from './run-command';
import type { LanState } from './cluster-state';
import { hostInterfaceName, lanNetnsName } from './cluster-names';

const BRIDGE = 'br0';
const HOST_PORT = 'host';

export interface LanPort {
  netns: string;
  switchPort: string;
  ip: string;
}

export function lanLayout(clusterId: string, subnet: string): LanState {
  return { netns: lanNetnsName(clusterId), bridge: BRIDGE, subnet, hostInterface: hostInterfaceName(clusterId), hostIp: `${subnet}.1` };
}

export function nodeIp(subnet: string, index: number): string {
  return `${subnet}.${10 + index}`;
}

/** Creates the switch namespace and its bridge. */
export async function createLan(lan: LanState): Promise<void> {
  await createNetns(lan.netns);
  await runCommand('ip', ['-n', lan.netns, 'link', 'add', lan.bridge, 'type', 'bridge']);
  await runCommand('ip', ['-n', lan.netns, 'link', 'set', lan.bridge, 'up']);
}

/** Plugs the machine in: one veth whose host end gets <subnet>.1/24 (and with it the connected route). */
export async function attachHost(lan: LanState): Promise<void> {
  await runCommand('ip', ['link', 'add', lan.hostInterface, 'type', 'veth', 'peer', 'name', HOST_PORT, 'netns', lan.netns]);
  await runCommand('ip', ['-n', lan.netns, 'link', 'set', HOST_PORT, 'master', lan.bridge, 'up']);
  await runCommand('ip', ['addr', 'add', `${lan.hostIp}/24`, 'dev', lan.hostInterface]);
  await runCommand('ip', ['link', 'set', lan.hostInterface, 'up']);
}

/** Plugs a node in: its `eth0` carries its LAN address; the switch end is `port.switchPort`. */
export async function attachNode(lan: LanState, port: LanPort): Promise<void> {
  await runCommand('ip', ['-n', lan.netns, 'link', 'add', port.switchPort, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', port.netns]);
  await runCommand('ip', ['-n', lan.netns, 'link', 'set', port.switchPort, 'master', lan.bridge, 'up']);
  await runCommand('ip', ['-n', port.netns, 'addr', 'add', `${port.ip}/24`, 'dev', 'eth0']);
  await runCommand('ip', ['-n', port.netns, 'link', 'set', 'eth0', 'up']);
}

/**
 * A node's own network interface down (powered off: a Pi without power has no link, and its
 * address answers nothing, not even a refusal) or up again (powered on). The cable stays as it was.
 */
export async function setNodeInterface(port: LanPort, up: boolean): Promise<void> {
  await runCommand('ip', ['-n', port.netns, 'link', 'set', 'eth0', up ? 'up' : 'down']);
}

/** Unplugs (down) or replugs (up) a node's cable at the switch, as pulling it out of a Pi would. */
export async function setNodeLink(lan: LanState, port: LanPort, up: boolean): Promise<void> {
  await runCommand('ip', ['-n', lan.netns, 'link', 'set', port.switchPort, up ? 'up' : 'down']);
}

export async function hostInterfaceExists(name: string): Promise<boolean> {
  const { code } = await runCommand('ip', ['link', 'show', 'dev', name], { allowFailure: true });
  return code === 0;
}

/** Removes the machine's interface, then the switch. Idempotent. */
export async function deleteLan(lan: LanState): Promise<void> {
  if (await hostInterfaceExists(lan.hostInterface)) await runCommand('ip', ['link', 'delete', lan.hostInterface]);
  await deleteNetns(lan.netns);
}
