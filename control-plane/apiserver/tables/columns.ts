/** Building blocks of the printers' column definitions and cells. */
import type { KubeObject } from '../../../api/meta';
import { DESCRIPTIONS } from './column-descriptions';
import { age } from './human-duration';
import type { TableColumnDefinition } from './table';

export function column(name: string, type: string, description: string, priority = 0): TableColumnDefinition {
  return { name, type, format: '', description, priority };
}

/** The Name column, which kubectl uses for `-o name` style output and sorting. */
export function nameColumn(priority = 0): TableColumnDefinition {
  return { name: 'Name', type: 'string', format: 'name', description: DESCRIPTIONS.objectName, priority };
}

export function ageColumn(): TableColumnDefinition {
  return column('Age', 'string', DESCRIPTIONS.creationTimestamp);
}

export function nameOf(obj: KubeObject): string {
  return obj.metadata.name ?? '';
}

export function ageOf(obj: KubeObject, now: Date): string {
  return age(obj.metadata.creationTimestamp, now);
}

/** Reads a nested member of a JSON object, undefined when any step is missing. */
export function field(obj: unknown, ...path: string[]): unknown {
  let value = obj;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function stringField(obj: unknown, ...path: string[]): string {
  const value = field(obj, ...path);
  return typeof value === 'string' ? value : '';
}

export function numberField(obj: unknown, ...path: string[]): number {
  const value = field(obj, ...path);
  return typeof value === 'number' ? value : 0;
}

export function arrayField(obj: unknown, ...path: string[]): unknown[] {
  const value = field(obj, ...path);
  return Array.isArray(value) ? value : [];
}

export function mapField(obj: unknown, ...path: string[]): Record<string, unknown> {
  const value = field(obj, ...path);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** "Names of each container" / "Images referenced by each container": comma-joined. */
export function containerCells(podSpec: unknown): [string, string] {
  const containers = arrayField(podSpec, 'containers');
  return [containers.map((c) => stringField(c, 'name')).join(','), containers.map((c) => stringField(c, 'image')).join(',')];
}

export const CONTAINERS_COLUMN = column('Containers', 'string', DESCRIPTIONS.templateContainers, 1);
export const IMAGES_COLUMN = column('Images', 'string', DESCRIPTIONS.templateImages, 1);
