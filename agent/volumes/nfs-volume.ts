/**
 * nfs volumes, inline in a pod or a PersistentVolume's source, mounted as the kubelet's nfs
 * plugin mounts them (pkg/volume/nfs): a kernel mount `mount -t nfs [-o <options>]
 * <server>:<path> <dir>` into the pod's `volumes/kubernetes.io~nfs/<name>` directory (the
 * volume's name inline, the PersistentVolume's name for a claim), `ro` added when the
 * volume is read-only, a PersistentVolume's `mountOptions` first (e.g. `nfsvers=4.1`), an
 * IPv6 server in brackets. Docker bind-mounts that directory into the containers, so a pod
 * moved to another node finds the same files. The node needs the NFS client (Debian's
 * `nfs-common`, mount.nfs), as a kubelet does. Unmounted with the pod (pod-volumes.ts).
 * Server, path and options reach mount(8) as arguments, never a shell, and are checked first.
 * https://kubernetes.io/docs/concepts/storage/volumes/#nfs
 */
import { mkdirSync } from 'node:fs';
import type { Mounter } from './tmpfs-mounter';

export const NFS_PLUGIN_DIR = 'kubernetes.io~nfs';

export interface NfsMount {
  server: string;
  path: string;
  readOnly: boolean;
  /** A PersistentVolume's `spec.mountOptions`. */
  mountOptions?: string[];
}

const SERVER = /^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$/;
const EXPORT_PATH = /^\/[^\0\n,]*$/;
const OPTION = /^[A-Za-z0-9_][A-Za-z0-9_.=:/-]*$/;

/** The `mount` source and options for the volume; throws for a value mount(8) must not see. */
export function nfsMountArguments(m: NfsMount): { source: string; options: string[] } {
  if (!SERVER.test(m.server)) throw new Error(`nfs server "${m.server}" is not a host name or address`);
  if (!EXPORT_PATH.test(m.path)) throw new Error(`nfs path "${m.path}" must be an absolute path without commas`);
  const bad = (m.mountOptions ?? []).find((o) => !OPTION.test(o));
  if (bad !== undefined) throw new Error(`mount option "${bad}" is not a single mount option`);
  const server = m.server.includes(':') ? `[${m.server}]` : m.server;
  return { source: `${server}:${m.path}`, options: [...(m.mountOptions ?? []), ...(m.readOnly ? ['ro'] : [])] };
}

/** Mounts the export on `dir` unless it already is a mount point. Idempotent. */
export async function setUpNfs(dir: string, m: NfsMount, mounter: Mounter, signal: AbortSignal): Promise<void> {
  const { source, options } = nfsMountArguments(m);
  mkdirSync(dir, { recursive: true, mode: 0o750 });
  if (mounter.isMountPoint(dir)) return;
  await mounter.mountFilesystem('nfs', source, dir, options, signal);
}
