/**
 * The columns of resources without a printer, as the apiserver's default table convertor
 * (k8s.io/apiserver pkg/registry/rest/table.go): Name, and Created At as an RFC 3339 date.
 */
import { DESCRIPTIONS } from './column-descriptions';
import { column, nameColumn, nameOf } from './columns';
import type { Printer } from './table';

const ZERO_TIME = '0001-01-01T00:00:00Z';

export const defaultPrinter: Printer = {
  columns: [nameColumn(), column('Created At', 'date', DESCRIPTIONS.creationTimestamp)],
  cells: (obj) => [nameOf(obj), rfc3339(obj.metadata.creationTimestamp)],
};

/** Go's time.RFC3339 in UTC: seconds precision, "Z". */
function rfc3339(timestamp: string | undefined): string {
  const at = timestamp ? Date.parse(timestamp) : NaN;
  return Number.isNaN(at) ? ZERO_TIME : new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
