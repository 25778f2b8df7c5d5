/**
 * Network namespaces for simulated Pis and the LAN switch. Commands inside a namespace run
 * through `nsenter --net=`, which (unlike `ip netns exec`) keeps the host's /sys and cgroups.
 */
import { existsSync } from 'node:fs';
import { runCommand, type CommandResult } from './run-command';

const NAME = /^[a-z0-9][a-z0-9-]{0,30}$/;

export function netnsPath(name: string): string {
  return `/var/run/netns/${name}`;
}

function checkName(name: string): void {
  if (!NAME.test(name)) throw new Error(`invalid network namespace name "${name}"`);
}

export async function createNetns(name: string): Promise<void> {
  checkName(name);
  if (!existsSync(netnsPath(name))) await runCommand('ip', ['netns', 'add', name]);
  await runCommand('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
}

export async function deleteNetns(name: string): Promise<void> {
  checkName(name);
  if (existsSync(netnsPath(name))) await runCommand('ip', ['netns', 'delete', name], { allowFailure: true });
}

export async function listNetns(): Promise<string[]> {
  const { stdout } = await runCommand('ip', ['netns', 'list'], { allowFailure: true });
  return stdout.split('\n').map((l) => l.split(' ')[0]).filter((n) => n.length > 0);
}

/** Runs a command in the namespace; never in the machine's own. */
export function inNetns(name: string, cmd: string, args: string[], opts: { allowFailure?: boolean; input?: string } = {}): Promise<CommandResult> {
  checkName(name);
  return runCommand('nsenter', [`--net=${netnsPath(name)}`, cmd, ...args], opts);
}
