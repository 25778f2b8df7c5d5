/**
 * containerd's runc shims listen on sockets in one directory shared by every containerd on
 * the machine (/run/containerd/s/), named by a hash of the containerd address, namespace and
 * container id. A shim that is killed (a node's power cut, teardown's sweep) leaves its
 * socket behind; these functions find the sockets of one node's containers, and only those.
 */
import { createHash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { NodeState } from './cluster-state';

const SHIM_SOCKET_DIR = '/run/containerd/s';
const NAMESPACE = 'moby';

function containerdSocket(node: NodeState): string {
  return path.join(node.runDir, 'exec', 'containerd', 'containerd.sock');
}

/** Ids of the containers whose tasks the node's containerd has (running or not yet cleaned up). */
export function taskIds(node: NodeState): string[] {
  const dir = path.join(node.runDir, 'exec', 'containerd', 'daemon', 'io.containerd.runtime.v2.task', NAMESPACE);
  try {
    return readdirSync(dir).filter((id) => /^[0-9a-f]{64}$/.test(id));
  } catch {
    return [];
  }
}

export function shimSocketPath(node: NodeState, containerId: string): string {
  const hash = createHash('sha256').update(path.join(containerdSocket(node), NAMESPACE, containerId)).digest('hex');
  return path.join(SHIM_SOCKET_DIR, hash);
}

/** Removes the sockets of the given containers' shims; call only once those shims are dead. */
export function removeShimSockets(node: NodeState, containerIds: string[]): void {
  for (const id of containerIds) rmSync(shimSocketPath(node, id), { force: true });
}
