/**
 * The `kubectl get` columns of a custom resource, from its CRD version's
 * additionalPrinterColumns (apiextensions-apiserver's tableconvertor): Name first, then each
 * column's value at its jsonPath (empty where the path is missing), `date` columns shown as an
 * age as kubectl shows them; a version without columns gets Age, as Kubernetes defaults it.
 * Only simple paths (`.spec.replicas`, `.status.items[0]`) are accepted by CRD validation.
 */
import type { CustomResourceColumnDefinition } from '../../../api/apiextensions-v1';
import type { KubeObject } from '../../../api/meta';
import { ageColumn, ageOf, nameColumn, nameOf } from './columns';
import { age } from './human-duration';
import type { Printer, TableCell, TableColumnDefinition } from './table';

const DEFAULT_COLUMNS: CustomResourceColumnDefinition[] = [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];

/** The steps of a simple JSON path: `.a.b[0]` → ['a', 'b', 0]. */
export function jsonPathSteps(path: string): (string | number)[] {
  const steps: (string | number)[] = [];
  for (const match of path.matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)) steps.push(match[1] !== undefined ? match[1] : Number(match[2]));
  return steps;
}

/** The value at a simple JSON path, undefined where a step is missing. */
export function valueAtPath(obj: unknown, path: string): unknown {
  let value = obj;
  for (const step of jsonPathSteps(path)) {
    if (typeof step === 'number') value = Array.isArray(value) ? value[step] : undefined;
    else value = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[step] : undefined;
  }
  return value;
}

export function customResourcePrinter(columns: readonly CustomResourceColumnDefinition[] | undefined): Printer {
  const shown = columns && columns.length > 0 ? columns : DEFAULT_COLUMNS;
  return {
    columns: [nameColumn(), ...shown.map(definitionOf)],
    cells: (obj: KubeObject, now: Date) => [nameOf(obj), ...shown.map((c) => cellOf(c, obj, now))],
  };
}

function definitionOf(column: CustomResourceColumnDefinition): TableColumnDefinition {
  if (column.jsonPath === '.metadata.creationTimestamp' && column.name === 'Age' && column.type === 'date') return ageColumn();
  return { name: column.name, type: column.type, format: column.format ?? '', description: column.description ?? '', priority: column.priority ?? 0 };
}

function cellOf(column: CustomResourceColumnDefinition, obj: KubeObject, now: Date): TableCell {
  if (column.jsonPath === '.metadata.creationTimestamp' && column.type === 'date') return ageOf(obj, now);
  const value = valueAtPath(obj, column.jsonPath);
  if (value === undefined || value === null) return '';
  if (column.type === 'date' && typeof value === 'string') return age(value, now);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}
