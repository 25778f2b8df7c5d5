/** Objects of one resource as a meta.k8s.io/v1 Table, through the printer of its definition. */
import type { KubeObject, ListMeta } from '../../../api/meta';
import type { ResourceDefinition } from '../../registry/resource-definition';
import { partialObjectMetadata, type IncludeObject, type Printer, type Table, type TableOptions, type TableRow } from './table';

/** Converts objects of one resource (a list, or a single object as a one-row table) to a Table. */
export function toTable(resource: ResourceDefinition, objects: KubeObject[], options: TableOptions = {}): Table {
  const { printer } = resource;
  const now = options.now ?? new Date();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta(options),
    columnDefinitions: options.noHeaders ? [] : printer.columns,
    rows: objects.map((obj) => toRow(printer, obj, now, options.includeObject ?? 'Metadata')),
  };
}

function listMeta(options: TableOptions): ListMeta {
  const meta: ListMeta = {};
  if (options.resourceVersion !== undefined) meta.resourceVersion = options.resourceVersion;
  if (options.continue) meta.continue = options.continue;
  if (options.remainingItemCount !== undefined) meta.remainingItemCount = options.remainingItemCount;
  return meta;
}

function toRow(printer: Printer, obj: KubeObject, now: Date, includeObject: IncludeObject): TableRow {
  const row: TableRow = { cells: printer.cells(obj, now) };
  const conditions = printer.conditions?.(obj);
  if (conditions) row.conditions = conditions;
  if (includeObject === 'Object') row.object = obj;
  else if (includeObject === 'Metadata') row.object = partialObjectMetadata(obj);
  return row;
}
