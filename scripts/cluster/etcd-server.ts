/** A real etcd (Debian's etcd-server) on loopback, for the local cluster and the tests. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { spawnDaemon, stopProcess } from './run-command';
import { until } from './wait-until';

export interface EtcdServer {
  endpoint: string;
  dataDir: string;
  pid: number;
}

export interface EtcdOptions {
  dataDir: string;
  clientPort: number;
  peerPort: number;
  logFile?: string;
}

async function healthy(endpoint: string): Promise<boolean> {
  const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
  return res.ok && ((await res.json()) as { health?: string }).health === 'true';
}

/** Starts etcd detached and resolves once /health answers true. */
export async function startEtcd(opts: EtcdOptions): Promise<EtcdServer> {
  mkdirSync(opts.dataDir, { recursive: true });
  const endpoint = `http://127.0.0.1:${opts.clientPort}`;
  const peer = `http://127.0.0.1:${opts.peerPort}`;
  const args = [
    '--name', 'pikube', '--data-dir', opts.dataDir,
    '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `pikube=${peer}`, '--initial-cluster-state', 'new',
    // An idle cluster should write almost nothing: keep snapshots rare and history bounded.
    '--auto-compaction-mode', 'periodic', '--auto-compaction-retention', '1h',
  ];
  const pid = spawnDaemon('etcd', args, opts.logFile ?? path.join(opts.dataDir, '..', 'etcd.log'));
  try {
    await until(() => healthy(endpoint), { timeoutMs: 20_000, describe: () => `etcd at ${endpoint} (pid ${pid}) not healthy` });
  } catch (err) {
    await stopProcess(pid);
    throw err;
  }
  return { endpoint, dataDir: opts.dataDir, pid };
}

export async function stopEtcd(server: Pick<EtcdServer, 'pid'>): Promise<void> {
  await stopProcess(server.pid);
}
