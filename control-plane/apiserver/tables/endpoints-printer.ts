/** `kubectl get endpoints` columns (printEndpoints): up to three ip:port, then "+ N more...". */
import type { KubeObject } from '../../../api/meta';
import { DESCRIPTIONS } from './column-descriptions';
import { ageColumn, ageOf, arrayField, column, nameColumn, nameOf, numberField, stringField } from './columns';
import type { Printer } from './table';

const SHOWN = 3;

export const endpointsPrinter: Printer = {
  columns: [nameColumn(), column('Endpoints', 'string', DESCRIPTIONS.endpointsSubsets), ageColumn()],
  cells: (obj, now) => [nameOf(obj), formatEndpoints(obj), ageOf(obj, now)],
};

export function formatEndpoints(obj: KubeObject): string {
  const subsets = arrayField(obj, 'subsets');
  if (subsets.length === 0) return '<none>';
  const all = subsets.flatMap(subsetEndpoints);
  const shown = all.slice(0, SHOWN).join(',');
  return all.length > SHOWN ? `${shown} + ${all.length - SHOWN} more...` : shown;
}

/** Addresses alone for port-less (headless) subsets, else every address:port pair, port by port. */
function subsetEndpoints(subset: unknown): string[] {
  const ips = arrayField(subset, 'addresses').map((a) => stringField(a, 'ip'));
  const ports = arrayField(subset, 'ports');
  if (ports.length === 0) return ips;
  return ports.flatMap((p) => ips.map((ip) => joinHostPort(ip, numberField(p, 'port'))));
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
