/**
 * The Node.js flags (V8 heap sizes and the like) that the systemd units in deploy/systemd run
 * each process with: the units are the one source of truth, and a simulated cluster asked to
 * run "as shipped" (ClusterOptions.nodeFlags) reads its flags from them, so that a benchmark
 * measures what a Pi runs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export type PikubeUnit = 'pikube-server' | 'pikube-agent';

/** Node's flags for each process of a simulated cluster. */
export interface NodeFlags {
  controlPlane: string[];
  agent: string[];
}

/** deploy/systemd of the checkout this file was built from (dist/scripts/cluster → the checkout). */
export const UNITS_DIR = path.resolve(__dirname, '..', '..', '..', 'deploy', 'systemd');

/**
 * The flags between `node` and the script in a unit's `ExecStart=` line, e.g.
 * `--max-old-space-size=48`. Throws when the line is missing or does not start Node.
 */
export function nodeFlagsOfUnitText(unitText: string): string[] {
  const lines = unitText.split('\n').filter((l) => l.startsWith('ExecStart='));
  if (lines.length !== 1) throw new Error(`expected one ExecStart= line, found ${lines.length}`);
  const [command, ...args] = lines[0].slice('ExecStart='.length).trim().split(/\s+/);
  if (path.basename(command) !== 'node') throw new Error(`ExecStart= runs ${command}, not node`);
  const script = args.findIndex((a) => !a.startsWith('-'));
  if (script < 0 || !args[script].endsWith('.js')) throw new Error('ExecStart= names no .js script after node\'s flags (write each flag as --flag=value)');
  return args.slice(0, script);
}

export function unitNodeFlags(unit: PikubeUnit, unitsDir = UNITS_DIR): string[] {
  const file = path.join(unitsDir, `${unit}.service`);
  try {
    return nodeFlagsOfUnitText(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** What the units run the control plane and the agent with. */
export function shippedNodeFlags(unitsDir = UNITS_DIR): NodeFlags {
  return { controlPlane: unitNodeFlags('pikube-server', unitsDir), agent: unitNodeFlags('pikube-agent', unitsDir) };
}
