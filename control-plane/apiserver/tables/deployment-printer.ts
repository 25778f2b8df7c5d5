/** `kubectl get deployments` columns (printDeployment): READY is ready/desired replicas. */
import type { KubeObject } from '../../../api/meta';
import { DESCRIPTIONS } from './column-descriptions';
import { ageColumn, ageOf, column, CONTAINERS_COLUMN, containerCells, field, IMAGES_COLUMN, nameColumn, nameOf, numberField } from './columns';
import { selectorString } from './label-format';
import type { Printer, TableCell } from './table';

export const deploymentPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Ready', 'string', DESCRIPTIONS.readyOfDesired),
    column('Up-to-date', 'string', DESCRIPTIONS.deploymentUpdatedReplicas),
    column('Available', 'string', DESCRIPTIONS.deploymentAvailableReplicas),
    ageColumn(),
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column('Selector', 'string', DESCRIPTIONS.deploymentSelector, 1),
  ],
  cells: deploymentCells,
};

function deploymentCells(obj: KubeObject, now: Date): TableCell[] {
  const desired = desiredReplicas(obj);
  const ready = numberField(obj, 'status', 'readyReplicas');
  const [containers, images] = containerCells(field(obj, 'spec', 'template', 'spec'));
  return [
    nameOf(obj), `${ready}/${desired}`, numberField(obj, 'status', 'updatedReplicas'), numberField(obj, 'status', 'availableReplicas'),
    ageOf(obj, now), containers, images, selectorString(field(obj, 'spec', 'selector')),
  ];
}

/** spec.replicas, which defaults to 1. */
export function desiredReplicas(obj: KubeObject): number {
  const replicas = field(obj, 'spec', 'replicas');
  return typeof replicas === 'number' ? replicas : 1;
}
