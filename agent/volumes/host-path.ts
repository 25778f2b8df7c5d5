/**
 * hostPath volumes: a path of the node, checked against its `type` as the kubelet does
 * (pkg/volume/hostpath: DirectoryOrCreate makes the directory 0755, FileOrCreate an empty
 * 0644 file without parents, the others must already be what they say; "" checks nothing
 * and, like the container runtimes, makes a missing path a directory).
 * https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
 */
import { chmodSync, closeSync, mkdirSync, openSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { Volume } from '../../api/core-v1';

export type HostPathSource = NonNullable<Volume['hostPath']>;

const CHECKS: Record<string, [(s: Stats) => boolean, string]> = {
  Directory: [(s) => s.isDirectory(), 'is not a directory'],
  File: [(s) => s.isFile(), 'is not a file'],
  Socket: [(s) => s.isSocket(), 'is not a socket file'],
  CharDevice: [(s) => s.isCharacterDevice(), 'is not a character device'],
  BlockDevice: [(s) => s.isBlockDevice(), 'is not a block device'],
};

function statOf(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

function create(p: string, type: string): void {
  if (type === 'DirectoryOrCreate') {
    mkdirSync(p, { recursive: true, mode: 0o755 });
    return;
  }
  closeSync(openSync(p, 'a', 0o644));
  chmodSync(p, 0o644);
}

/** Returns the host path to bind, or throws with the kubelet's type-check message. */
export function setUpHostPath(source: HostPathSource): string {
  const p = source.path;
  if (!path.isAbsolute(p) || p.split('/').includes('..')) throw new Error(`hostPath "${p}" must be an absolute path without ".."`);
  const type = source.type ?? '';
  let stats = statOf(p);
  if (!stats && (type === 'DirectoryOrCreate' || type === 'FileOrCreate')) {
    create(p, type);
    stats = statOf(p);
  }
  const orCreate = type.endsWith('OrCreate') ? type.slice(0, -'OrCreate'.length) : type;
  const check = CHECKS[orCreate];
  if (!check) {
    // No type: nothing is checked; a missing path becomes a directory, as the runtimes do.
    if (!stats) mkdirSync(p, { recursive: true, mode: 0o755 });
    return p;
  }
  if (!stats || !check[0](stats)) throw new Error(`hostPath type check failed: ${p} ${check[1]}`);
  return p;
}
