/**
 * A control-plane replica as a real `pikube-server serve` process (dist/control-plane/main.js),
 * for tests that kill one with SIGKILL. Its output is kept (and matched by `waitForLog`); a test
 * that fails leaves nothing behind as long as it calls `stop()` in its `after`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { until } from '../../scripts/cluster/wait-until';
import { freePort } from './etcd-fixture';
import { logMessage } from './log-messages';

export interface ControlPlaneProcess {
  pid: number;
  readonly logs: readonly string[];
  /** Resolves with the time (Date.now()) the first line matching `pattern` was printed. */
  waitForLog(pattern: RegExp, timeoutMs: number): Promise<number>;
  /** Sends `signal` and waits for the process to exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s; does nothing once it has exited. */
  stop(): Promise<void>;
}

const MAIN = path.join(__dirname, '../../control-plane/main.js');

/** `flags` are `serve`'s flags without the leading dashes: `{ 'secure-port': '6443' }`. */
export async function startControlPlaneProcess(flags: Record<string, string>, timeoutMs = 30_000): Promise<ControlPlaneProcess> {
  const args = [MAIN, 'serve', ...Object.entries(flags).flatMap(([name, value]) => [`--${name}`, value])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const handle = handleFor(child);
  try {
    await handle.waitForLog(/pikube control plane .*: API https:/, timeoutMs);
  } catch (err) {
    await handle.kill('SIGKILL');
    throw new Error(`control plane did not start: ${(err as Error).message}\n${handle.logs.join('\n')}`);
  }
  return handle;
}

function handleFor(child: ChildProcess): ControlPlaneProcess {
  const logs: { line: string; at: number }[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push({ line: logMessage(line), at: Date.now() });
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (!gone()) child.kill(signal);
    await exited;
  };
  return {
    pid: child.pid ?? 0,
    get logs() {
      return logs.map((l) => l.line);
    },
    waitForLog: async (pattern, timeoutMs) => {
      const found = await until(() => logs.find((l) => pattern.test(l.line)) ?? (gone() ? Promise.reject(new Error('exited')) : undefined), {
        timeoutMs, intervalMs: 20, describe: () => `no line matching ${pattern}; last lines: ${logs.slice(-10).map((l) => l.line).join(' | ')}`,
      });
      return found.at;
    },
    kill,
    stop: async () => {
      if (gone()) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await kill('SIGTERM');
      clearTimeout(timer);
    },
  };
}

/** A control-plane replica serving on free loopback ports. */
export interface ControlPlaneReplica {
  process: ControlPlaneProcess;
  apiPort: number;
  nodePort: number;
}

/** A replica on the given etcd and key prefix, its PKI in `dataDir` (shared by replicas that share it); `flags` add to serve's. */
export async function startControlPlaneReplica(opts: { dataDir: string; etcdEndpoint: string; etcdPrefix: string; flags?: Record<string, string> }): Promise<ControlPlaneReplica> {
  const [apiPort, nodePort] = [await freePort(), await freePort()];
  const process = await startControlPlaneProcess({
    'data-dir': opts.dataDir, 'etcd-endpoints': opts.etcdEndpoint, 'etcd-prefix': opts.etcdPrefix, 'bind-address': '127.0.0.1',
    'secure-port': String(apiPort), 'node-port': String(nodePort), 'advertise-address': '127.0.0.1', ...opts.flags,
  });
  return { process, apiPort, nodePort };
}
