/**
 * meta.k8s.io/v1 Table output, which kubectl get asks for with
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. Like the apiserver, the server
 * always produces every column (wide ones carry priority 1 and kubectl hides them without
 * `-o wide`), and cells are computed server-side, ages included.
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#receiving-resources-as-tables
 *
 * This file holds the Table's types and what every printer shares; `toTable` (to-table.ts)
 * picks a printer, so printers never import the table of printers they are listed in.
 */
import type { KubeObject, ListMeta, ObjectMeta } from '../../../api/meta';

export interface TableColumnDefinition {
  name: string;
  /** OpenAPI type of the cells: 'string', 'integer', 'number', 'boolean', 'date'. */
  type: string;
  /** 'name' for the column holding the object's name, else ''. */
  format: string;
  description: string;
  /** 0 for default columns, 1 and more for `-o wide` ones. */
  priority: number;
}

export type TableCell = string | number | boolean;

export interface TableRowCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface TableRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
  /** PartialObjectMetadata, the whole object, or absent, per includeObject. */
  object?: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** meta.k8s.io/v1 PartialObjectMetadata: what a row carries by default. */
export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ObjectMeta;
}

/** One resource's columns and how to fill them. */
export interface Printer {
  columns: TableColumnDefinition[];
  cells(obj: KubeObject, now: Date): TableCell[];
  conditions?(obj: KubeObject): TableRowCondition[] | undefined;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  /** The TableOptions includeObject parameter; Metadata when absent, as the apiserver. */
  includeObject?: IncludeObject;
  /** The clock ages are computed against. */
  now?: Date;
  /** List metadata of the table: the list's (or object's) resourceVersion and continue token. */
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
  /** Omit the column definitions (TableOptions noHeaders, used by watch events after the first). */
  noHeaders?: boolean;
}

export function partialObjectMetadata(obj: KubeObject): PartialObjectMetadata {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** Parses the includeObject query parameter; undefined for a value the apiserver would reject. */
export function parseIncludeObject(value: string | null | undefined): IncludeObject | undefined {
  if (value === null || value === undefined || value === '') return 'Metadata';
  return value === 'None' || value === 'Metadata' || value === 'Object' ? value : undefined;
}
