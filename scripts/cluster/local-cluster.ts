/**
 * The checkout's own simulated cluster, the one `npm start` brings up and `npm stop` removes:
 * its state, kubeconfig, logs and data live in `.pikube/` at the repository root.
 */
import path from 'node:path';
import { readState, type ClusterState } from './cluster-state';

/** The repository root (this file is built into dist/scripts/cluster/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const LOCAL_BASE = path.join(REPO_ROOT, '.pikube');
export const LOCAL_STATE_FILE = path.join(LOCAL_BASE, 'cluster.json');
export const DEMO_MANIFEST = path.join(REPO_ROOT, 'deploy', 'examples', 'demo.yaml');

export function readLocalState(): ClusterState | undefined {
  return readState(LOCAL_STATE_FILE);
}

/** The simulated cluster needs root (namespaces, veths, dockerd): say so plainly. */
export function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) throw new Error(`${what} needs root (network namespaces, veths, dockerd): run it with sudo`);
}
