/**
 * Throw-away network namespaces for the iptables tests: every command of the code under test
 * runs inside one through `nsenter --net=`, never in the machine's own namespace.
 */
import { createNetns, deleteNetns, netnsPath } from '../../../../scripts/cluster/netns';
import { localCommandRunner, prefixedRunner, runChecked, type CommandRunner } from '../../../../agent/network/command-runner';

let counter = 0;

/** A unique, valid namespace name for this test process. */
export function uniqueNetnsName(tag: string): string {
  counter++;
  return `pikube-t${process.pid % 100_000}-${tag}-${counter}`;
}

export interface TestNetns {
  name: string;
  run: CommandRunner;
  /** Runs and rejects on failure. */
  sh: (cmd: string, args: string[], input?: string) => Promise<string>;
  dispose: () => Promise<void>;
}

export async function aTestNetns(tag: string): Promise<TestNetns> {
  const name = uniqueNetnsName(tag);
  await createNetns(name);
  const run = prefixedRunner(localCommandRunner, ['nsenter', `--net=${netnsPath(name)}`]);
  return { name, run, sh: (cmd, args, input) => runChecked(run, cmd, args, input), dispose: () => deleteNetns(name) };
}
