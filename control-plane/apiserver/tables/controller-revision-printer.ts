/** `kubectl get controllerrevisions` columns (printControllerRevision): the controller as kind.group/name. */
import type { KubeObject } from '../../../api/meta';
import { DESCRIPTIONS } from './column-descriptions';
import { ageColumn, ageOf, column, nameColumn, nameOf, numberField } from './columns';
import type { Printer, TableCell } from './table';

export const controllerRevisionPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Controller', 'string', DESCRIPTIONS.revisionController),
    column('Revision', 'integer', DESCRIPTIONS.revisionNumber),
    ageColumn(),
  ],
  cells: controllerRevisionCells,
};

function controllerRevisionCells(obj: KubeObject, now: Date): TableCell[] {
  return [nameOf(obj), controllerName(obj), numberField(obj, 'revision'), ageOf(obj, now)];
}

function controllerName(obj: KubeObject): string {
  const ref = (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
  return `${ref.kind.toLowerCase()}${group ? `.${group}` : ''}/${ref.name}`;
}
