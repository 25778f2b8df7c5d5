/**
 * An API server in a process of its own, for tests that measure it (memory under thousands of
 * watches) without the test's own clients in the same heap. Started by `startApiServerProcess`
 * with `--expose-gc`; it serves a Registry on the given etcd and key space, with the given
 * cluster PKI directory, and answers the parent over IPC:
 *
 *   { op: 'memory' }  → { rssBytes, heapUsedBytes } after full garbage collections
 *   { op: 'stats' }   → { watchCaches }
 *
 * It exits when the parent disconnects, so a failed test leaves nothing running.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { ensureDefaultNamespaces } from '../../control-plane/apiserver/ensure-default-namespaces';
import { Registry } from '../../control-plane/registry/registry';
import { createApiServer, type ApiServerOptions, type WatchCacheStats } from '../../control-plane/apiserver/server';
import { loadOrCreateClusterPki } from '../../control-plane/auth/cluster-pki';
import { EtcdStore } from '../../control-plane/store/etcd-store';

export interface ApiServerProcessConfig {
  etcdEndpoint: string;
  keyPrefix: string;
  pkiDir: string;
  server: Pick<ApiServerOptions, 'limits' | 'timeouts' | 'watch' | 'watchCache'>;
}

export interface Memory {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
}

export interface ApiServerProcess {
  port: number;
  pid: number;
  memory(): Promise<Memory>;
  watchCaches(): Promise<WatchCacheStats[]>;
  stop(): Promise<void>;
}

type Reply = { id: number; memory?: Memory; watchCaches?: WatchCacheStats[] };

export function startApiServerProcess(config: ApiServerProcessConfig, timeoutMs = 20_000): Promise<ApiServerProcess> {
  const child = fork(__filename, [JSON.stringify(config)], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const failed = (why: string): void => {
      child.kill('SIGKILL');
      reject(new Error(`API server process: ${why}`));
    };
    const timer = setTimeout(() => failed(`not listening after ${timeoutMs} ms`), timeoutMs);
    child.once('exit', (code) => failed(`exited with ${code}`));
    child.once('message', (m: { port?: number }) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      if (typeof m.port !== 'number') return failed(`said ${JSON.stringify(m)}`);
      resolve(handleFor(child, m.port));
    });
  });
}

function handleFor(child: ChildProcess, port: number): ApiServerProcess {
  let next = 0;
  const ask = (op: string): Promise<Reply> => new Promise((resolve, reject) => {
    const id = ++next;
    const onMessage = (m: Reply): void => {
      if (m.id !== id) return;
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    if (!child.send({ op, id })) reject(new Error('API server process is gone'));
  });
  return {
    port,
    pid: child.pid ?? 0,
    memory: async () => (await ask('memory')).memory as Memory,
    watchCaches: async () => (await ask('stats')).watchCaches as WatchCacheStats[],
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

async function collect(): Promise<Memory> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((r) => setImmediate(r));
  }
  const usage = process.memoryUsage();
  return { rssBytes: usage.rss, heapUsedBytes: usage.heapUsed, heapTotalBytes: usage.heapTotal, externalBytes: usage.external };
}

async function main(config: ApiServerProcessConfig): Promise<void> {
  const store = new EtcdStore({ endpoints: [config.etcdEndpoint], log: () => undefined });
  const registry = new Registry({ store, keySpace: { prefix: config.keyPrefix } });
  await ensureDefaultNamespaces(registry);
  const pki = loadOrCreateClusterPki(config.pkiDir, '127.0.0.1');
  const tls = { caCertPem: pki.ca.certPem, certPem: pki.serving.certPem, keyPem: pki.serving.keyPem };
  const server = createApiServer({ registry, tls, port: 0, host: '127.0.0.1', log: () => undefined, ...config.server });
  const port = await server.listen();
  const stop = async (): Promise<void> => {
    await server.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('disconnect', () => void stop());
  process.on('message', (m: { op: string; id: number }) => {
    if (m.op === 'memory') void collect().then((memory) => process.send?.({ id: m.id, memory }));
    if (m.op === 'stats') process.send?.({ id: m.id, watchCaches: server.watchCacheStats() });
  });
  process.send?.({ port });
}

if (require.main === module) {
  main(JSON.parse(process.argv[2] ?? '{}') as ApiServerProcessConfig).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
