/**
 * How the network code runs iptables commands: argv only, never a shell. The agent runs them
 * in its own network namespace (it lives in the node's); tests inject a runner that enters a
 * test namespace, so nothing touches the machine's own rules.
 */
import { spawn } from 'node:child_process';

export interface CommandOutput {
  stdout: string;
  stderr: string;
  code: number;
}

/** Resolves with the exit code (non-zero is not an error here: `iptables -C` answers with it). */
export type CommandRunner = (cmd: string, args: string[], input?: string) => Promise<CommandOutput>;

const TIMEOUT_MS = 30_000;

/** Wraps a runner so every command runs as `prefix… cmd args` (e.g. nsenter --net=…). */
export function prefixedRunner(base: CommandRunner, prefix: string[]): CommandRunner {
  const [head, ...rest] = prefix;
  if (head === undefined) return base;
  return (cmd, args, input) => base(head, [...rest, cmd, ...args], input);
}

export const localCommandRunner: CommandRunner = (cmd, args, input) =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], timeout: TIMEOUT_MS });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code: code ?? -1 }));
    if (input !== undefined) {
      child.stdin?.on('error', () => undefined); // the command may exit before reading it all
      child.stdin?.end(input);
    }
  });

/** Runs and rejects on a non-zero exit, naming the command and its stderr. */
export async function runChecked(run: CommandRunner, cmd: string, args: string[], input?: string): Promise<string> {
  const r = await run(cmd, args, input);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}
