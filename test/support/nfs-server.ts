/**
 * A kernel NFS server (Debian's nfs-kernel-server: the kernel's nfsd, rpc.nfsd, rpc.mountd,
 * exportfs) for e2e tests, plugged into a simulated cluster's LAN like a NAS on the home network:
 * a network namespace of its own (named as the cluster's nodes are, so the leftover sweep takes
 * it with its cluster) with one cable to the switch. nfsd is per network namespace; it is
 * driven through an nfsd filesystem mounted in a private mount namespace, with a private
 * /var/lib/nfs (export table), so the machine's own nfsd, if any, is never touched. NFSv4 only:
 * no rpcbind, no statd, as an NFSv4-only server is configured. A 10 s grace period (the
 * kernel's least) after the start: creating files waits until it is over.
 *
 * Needs the kernel's nfsd and NFS client and nfs-kernel-server (mount.nfs comes with it through
 * nfs-common): `nfsUnavailable()` says what is missing. The VM tier has all of them.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import { nodeNetnsName, switchPortName } from '../../scripts/cluster/cluster-names';
import type { LanState } from '../../scripts/cluster/cluster-state';
import { attachNode } from '../../scripts/cluster/lan';
import { createNetns, deleteNetns, inNetns, netnsPath } from '../../scripts/cluster/netns';
import { isAlive, runCommand, spawnDaemon, stopProcess } from '../../scripts/cluster/run-command';
import { until } from '../../scripts/cluster/wait-until';

export interface NfsServer {
  /** The server's LAN address, what a volume's `server` names. */
  ip: string;
  /** The exported directory (an absolute path on this machine, served as it is). */
  exportDir: string;
  stop(): Promise<void>;
}

export interface NfsServerOptions {
  clusterId: string;
  lan: LanState;
  /** Last octet of the server's LAN address (nodes take .10 and up). */
  hostOctet: number;
  exportDir: string;
  logFile: string;
}

const NODE_NAME = 'nas';

/**
 * Runs in the server's network namespace and a private mount namespace ($1 the directory, $2
 * the clients): the export table, the nfsd threads, then rpc.mountd in the foreground (the
 * kernel asks it about exports and clients), so that process holds the namespace.
 */
const SERVE = `set -eu
mount -t tmpfs -o mode=755 pikube-nfs-state /var/lib/nfs
: > /var/lib/nfs/etab; : > /var/lib/nfs/rmtab
mount -t nfsd nfsd /proc/fs/nfsd
exportfs -o rw,sync,no_subtree_check,no_root_squash,fsid=1 "$2:$1"
rpc.nfsd --no-nfs-version 3 --grace-time 10 --lease-time 10 4
exec rpc.mountd --foreground --no-nfs-version 3`;

/** Stops the namespace's nfsd threads (from a fresh private mount of its nfsd filesystem). */
const STOP = 'mount -t nfsd nfsd /proc/fs/nfsd && rpc.nfsd 0';

/** One mount from /proc/self/mountinfo: where, what type, from where, with which options. */
export interface MountEntry {
  point: string;
  type: string;
  source: string;
  options: string;
}

/** NFS mounts of the server's exports on this machine (agents and dockerds share its mount namespace). */
export function nfsMountsOf(server: NfsServer): MountEntry[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean).map((line) => {
    const [left, right] = line.split(' - ');
    const fields = left.split(' ');
    const [type, source] = right.split(' ');
    return { point: fields[4], type, source, options: fields[5] };
  }).filter((m) => m.type.startsWith('nfs') && m.source.startsWith(`${server.ip}:`));
}

/** What this machine lacks for a kernel NFS server and client; undefined when it has both. */
export function nfsUnavailable(): string | undefined {
  const tools = ['/usr/sbin/rpc.nfsd', '/usr/sbin/rpc.mountd', '/usr/sbin/exportfs', '/sbin/mount.nfs'].filter((t) => !existsSync(t));
  if (tools.length > 0) return `no ${tools.join(', ')} (Debian's nfs-kernel-server)`;
  const builtIn = readFileSync('/proc/filesystems', 'utf8');
  const modules = `/lib/modules/${os.release()}/kernel/fs`;
  const kernel = ['nfs', 'nfsd'].filter((fs) => !new RegExp(`\\s${fs}\\n`).test(builtIn) && !existsSync(`${modules}/${fs}`));
  return kernel.length > 0 ? `the kernel has no ${kernel.join(' or ')} (built in or as a module)` : undefined;
}

/**
 * rpc.mountd has opened the kernel's export cache channel: from then on a client's mount is
 * answered (before, the kernel would find no listener and refuse the export).
 */
function mountdListening(pid: number): boolean {
  try {
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'rpc.mountd') return false;
    return readdirSync(`/proc/${pid}/fd`).some((fd) => readlinkSafe(`/proc/${pid}/fd/${fd}`).endsWith('/nfsd.export/channel'));
  } catch {
    return false;
  }
}

function readlinkSafe(link: string): string {
  try {
    return readlinkSync(link);
  } catch {
    return '';
  }
}

/** Where a server runs: a network namespace of its own (absent: the caller's) and whom it serves. */
interface ServerPlace {
  netns?: string;
  ip: string;
  /** The clients the export is for (exportfs's client spec). */
  clients: string;
}

/**
 * Starts nfsd and rpc.mountd in `place` for `exportDir`; `cleanUp` runs after the server is
 * stopped (and when it fails to start).
 */
async function serve(place: ServerPlace, exportDir: string, logFile: string, cleanUp: () => Promise<void>): Promise<NfsServer> {
  const within = (cmd: string, args: string[], opts: { allowFailure?: boolean } = {}) =>
    place.netns !== undefined ? inNetns(place.netns, cmd, args, opts) : runCommand(cmd, args, opts);
  let pid: number | undefined;
  const stop = async (): Promise<void> => {
    if (place.netns === undefined || existsSync(netnsPath(place.netns))) await within('unshare', ['--mount', 'sh', '-c', STOP], { allowFailure: true });
    if (pid !== undefined) await stopProcess(pid, 5_000);
    await cleanUp();
  };
  try {
    await runCommand('modprobe', ['nfsd'], { allowFailure: true }); // /proc/fs/nfsd must exist before the mount
    const serveArgs = ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', SERVE, 'nfs-server', exportDir, place.clients];
    const serverPid = place.netns !== undefined ? spawnDaemon('nsenter', [`--net=${netnsPath(place.netns)}`, ...serveArgs], logFile) : spawnDaemon(serveArgs[0], serveArgs.slice(1), logFile);
    pid = serverPid;
    await until(async () => {
      if (!isAlive(serverPid)) throw new Error(`the NFS server exited: ${readFileSync(logFile, 'utf8').trim()}`);
      const { stdout } = await within('ss', ['-Hltn', 'sport = :2049'], { allowFailure: true });
      return (stdout.trim() !== '' && mountdListening(serverPid)) || undefined;
    }, { timeoutMs: 60_000, intervalMs: 200, describe: () => `nfsd on :2049 and rpc.mountd${place.netns !== undefined ? ` in ${place.netns}` : ''}; its log: ${readFileSync(logFile, 'utf8').trim()}` });
    return { ip: place.ip, exportDir, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** Starts the server on the LAN at `<subnet>.<hostOctet>`, exporting `exportDir` to the LAN's /24. */
export async function startNfsServer(opts: NfsServerOptions): Promise<NfsServer> {
  const netns = nodeNetnsName(opts.clusterId, NODE_NAME);
  const ip = `${opts.lan.subnet}.${opts.hostOctet}`;
  await createNetns(netns);
  try {
    await attachNode(opts.lan, { netns, switchPort: switchPortName(NODE_NAME), ip });
  } catch (err) {
    await deleteNetns(netns);
    throw err;
  }
  return serve({ netns, ip, clients: `${opts.lan.subnet}.0/24` }, opts.exportDir, opts.logFile, () => deleteNetns(netns));
}

/**
 * Starts the server in the caller's own network namespace, exporting `exportDir` to 127.0.0.1
 * only: for a disposable machine whose network is the test's (the VM tier), never for this one.
 */
export function startLoopbackNfsServer(exportDir: string, logFile: string): Promise<NfsServer> {
  return serve({ ip: '127.0.0.1', clients: '127.0.0.1' }, exportDir, logFile, async () => undefined);
}
