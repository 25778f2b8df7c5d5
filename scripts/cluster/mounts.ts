/**
 * Mounts a node's dockerd leaves under its directories when it dies without cleaning up
 * (overlay `merged` dirs, shm, network namespace files). They must go before the directory is
 * removed: a recursive remove would otherwise walk into them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from './run-command';

function unescapeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Mount points at or below `dir`, deepest first. */
export function mountsUnder(dir: string): string[] {
  const root = path.resolve(dir);
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => unescapeMountPath(l.split(' ')[4]))
    .filter((p) => p === root || p.startsWith(root + '/'));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Unmounts everything at or below `dir` (lazily when busy); returns what could not be unmounted. */
export async function unmountUnder(dir: string): Promise<string[]> {
  for (const point of mountsUnder(dir)) {
    const { code } = await runCommand('umount', [point], { allowFailure: true });
    if (code !== 0) await runCommand('umount', ['-l', point], { allowFailure: true });
  }
  return mountsUnder(dir);
}
