/**
 * `kubectl get endpointslices` columns (printEndpointSlice): ADDRESSTYPE, PORTS (up to three
 * port numbers, `<unset>` for a port without number or a slice without ports), ENDPOINTS (up to
 * three addresses, then "+ N more...").
 */
import type { KubeObject } from '../../../api/meta';
import { ageColumn, ageOf, arrayField, column, nameColumn, nameOf, numberField, stringField } from './columns';
import type { Printer } from './table';

const SHOWN = 3;

export const endpointSlicePrinter: Printer = {
  columns: [
    nameColumn(),
    column('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice.'),
    column('Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    column('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice.'),
    ageColumn(),
  ],
  cells: (obj, now) => [nameOf(obj), stringField(obj, 'addressType'), formatPorts(obj), formatAddresses(obj), ageOf(obj, now)],
};

function abbreviate(values: string[], empty: string): string {
  if (values.length === 0) return empty;
  const shown = values.slice(0, SHOWN).join(',');
  return values.length > SHOWN ? `${shown} + ${values.length - SHOWN} more...` : shown;
}

function formatPorts(obj: KubeObject): string {
  const ports = arrayField(obj, 'ports').map((p) => (numberField(p, 'port') > 0 ? String(numberField(p, 'port')) : '<unset>'));
  return abbreviate(ports, '<unset>');
}

function formatAddresses(obj: KubeObject): string {
  const addresses = arrayField(obj, 'endpoints').flatMap((e) => arrayField(e, 'addresses').map(String));
  return abbreviate(addresses, '<none>');
}
