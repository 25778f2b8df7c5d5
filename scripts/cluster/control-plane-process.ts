/**
 * The control plane of a simulated cluster, run from the built `dist/control-plane/main.js`
 * on the machine itself. It listens on the machine's LAN address (agents reach it over the
 * simulated LAN, kubectl on the machine through the same address), not on every interface:
 * several simulated clusters then share the standard ports, and nothing is exposed beyond
 * the simulated LAN.
 */
import https from 'node:https';
import { mkdirSync } from 'node:fs';
import { runCommand, spawnDaemon } from './run-command';
import type { JoinFlags } from './cluster-state';
import { processRef, type ProcessRef } from './process-ref';
import { untilWhileAlive } from './wait-alive';

export interface ControlPlaneOptions {
  mainJs: string;
  dataDir: string;
  etcdEndpoint: string;
  address: string;
  securePort: number;
  nodePort: number;
  logFile: string;
  /** Flags after the defaults (a later flag overrides an earlier one), e.g. ['--node-monitor-grace-period', '1500ms']. */
  extraArgs?: string[];
  /** Node's own flags, before the script (e.g. the unit's heap sizes, unit-node-flags.ts). */
  nodeFlags?: string[];
  /** Run inside this network namespace (`/var/run/netns/<name>`, an HA node's); default: the machine's. */
  netns?: string;
}

function serveArgs(o: ControlPlaneOptions): string[] {
  return [
    ...(o.nodeFlags ?? []), o.mainJs, 'serve', '--data-dir', o.dataDir,
    '--etcd-endpoints', o.etcdEndpoint, '--etcd-prefix', '/registry',
    '--bind-address', o.address, '--secure-port', String(o.securePort), '--node-port', String(o.nodePort),
    '--advertise-address', o.address,
    '--cluster-cidr', '10.42.0.0/16', '--service-cidr', '10.43.0.0/16',
    ...(o.extraArgs ?? []),
  ];
}

/** Starts the control plane detached; returns at once (see waitControlPlaneReady). */
export function startControlPlane(opts: ControlPlaneOptions): ProcessRef {
  mkdirSync(opts.dataDir, { recursive: true });
  if (opts.netns) return processRef(spawnDaemon('nsenter', [`--net=${opts.netns}`, process.execPath, ...serveArgs(opts)], opts.logFile));
  return processRef(spawnDaemon(process.execPath, serveArgs(opts), opts.logFile));
}

/**
 * GET /readyz, which answers without authentication. The serving certificate is not
 * checked here (its CA is the control plane's to place); kubectl checks it afterwards.
 */
function readyz(apiUrl: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get(`${apiUrl}/readyz`, { rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

export async function waitControlPlaneReady(apiUrl: string, ref: ProcessRef, logFile: string, timeoutMs = 60_000): Promise<void> {
  const watched = [{ name: 'control plane', ref, logFile }];
  await untilWhileAlive(watched, () => readyz(apiUrl), { timeoutMs, describe: () => `control plane at ${apiUrl} not ready` });
}

/** Writes ca.crt, node.crt and node.key for the node into `outDir`. */
export async function issueNodeCert(mainJs: string, dataDir: string, node: string, outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await runCommand(process.execPath, [mainJs, 'issue-node-cert', '--data-dir', dataDir, '--node', node, '--out', outDir]);
}

/** A new bootstrap token (1 h) and the join flags the server prints for it, through the API with `kubeconfig`. */
export async function createJoinFlags(mainJs: string, kubeconfig: string): Promise<JoinFlags> {
  const out = await runCommand(process.execPath, [mainJs, 'token', 'create', '--ttl', '1h', '--print-join-command', '--kubeconfig', kubeconfig]);
  const m = /--server (\S+) --token (\S+) --ca-cert-hash (\S+)/.exec(out.stdout);
  if (!m) throw new Error(`token create printed no join command: ${out.stdout}${out.stderr}`);
  return { server: m[1] ?? '', token: m[2] ?? '', caCertHash: m[3] ?? '' };
}

/** Writes an admin kubeconfig for `server` (https://IP:port) to `out`. */
export async function writeKubeconfig(mainJs: string, dataDir: string, server: string, out: string): Promise<void> {
  await runCommand(process.execPath, [mainJs, 'kubeconfig', '--data-dir', dataDir, '--server', server, '--out', out]);
}
