/** `kubectl get replicasets` columns (printReplicaSet). */
import type { KubeObject } from '../../../api/meta';
import { DESCRIPTIONS } from './column-descriptions';
import { ageColumn, ageOf, column, CONTAINERS_COLUMN, containerCells, field, IMAGES_COLUMN, nameColumn, nameOf, numberField } from './columns';
import { desiredReplicas } from './deployment-printer';
import { formatLabelSelector } from './label-format';
import type { Printer, TableCell } from './table';

export const replicaSetPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Desired', 'integer', DESCRIPTIONS.replicaSetReplicas),
    column('Current', 'integer', DESCRIPTIONS.replicaSetStatusReplicas),
    column('Ready', 'integer', DESCRIPTIONS.replicaSetReadyReplicas),
    ageColumn(),
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column('Selector', 'string', DESCRIPTIONS.replicaSetSelector, 1),
  ],
  cells: replicaSetCells,
};

function replicaSetCells(obj: KubeObject, now: Date): TableCell[] {
  const [containers, images] = containerCells(field(obj, 'spec', 'template', 'spec'));
  return [
    nameOf(obj), desiredReplicas(obj), numberField(obj, 'status', 'replicas'), numberField(obj, 'status', 'readyReplicas'),
    ageOf(obj, now), containers, images, formatLabelSelector(field(obj, 'spec', 'selector')),
  ];
}
