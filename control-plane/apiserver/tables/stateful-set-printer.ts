/** `kubectl get statefulsets` columns (printStatefulSet): READY is ready/desired replicas. */
import type { KubeObject } from '../../../api/meta';
import { DESCRIPTIONS } from './column-descriptions';
import { ageColumn, ageOf, column, CONTAINERS_COLUMN, containerCells, field, IMAGES_COLUMN, nameColumn, nameOf, numberField } from './columns';
import { desiredReplicas } from './deployment-printer';
import type { Printer, TableCell } from './table';

export const statefulSetPrinter: Printer = {
  columns: [nameColumn(), column('Ready', 'string', DESCRIPTIONS.readyOfDesired), ageColumn(), CONTAINERS_COLUMN, IMAGES_COLUMN],
  cells: statefulSetCells,
};

function statefulSetCells(obj: KubeObject, now: Date): TableCell[] {
  const [containers, images] = containerCells(field(obj, 'spec', 'template', 'spec'));
  return [nameOf(obj), `${numberField(obj, 'status', 'readyReplicas')}/${desiredReplicas(obj)}`, ageOf(obj, now), containers, images];
}
