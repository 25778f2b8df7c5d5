/** `kubectl get daemonsets` columns (printDaemonSet). */
import type { KubeObject } from '../../../api/meta';
import { DESCRIPTIONS } from './column-descriptions';
import { ageColumn, ageOf, column, CONTAINERS_COLUMN, containerCells, field, IMAGES_COLUMN, mapField, nameColumn, nameOf, numberField } from './columns';
import { formatLabels, formatLabelSelector } from './label-format';
import type { Printer, TableCell } from './table';

export const daemonSetPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Desired', 'integer', DESCRIPTIONS.daemonSetDesired),
    column('Current', 'integer', DESCRIPTIONS.daemonSetCurrent),
    column('Ready', 'integer', DESCRIPTIONS.daemonSetReady),
    column('Up-to-date', 'integer', DESCRIPTIONS.daemonSetUpdated),
    column('Available', 'integer', DESCRIPTIONS.daemonSetAvailable),
    column('Node Selector', 'string', DESCRIPTIONS.podNodeSelector),
    ageColumn(),
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column('Selector', 'string', DESCRIPTIONS.daemonSetSelector, 1),
  ],
  cells: daemonSetCells,
};

function daemonSetCells(obj: KubeObject, now: Date): TableCell[] {
  const status = (name: string): number => numberField(obj, 'status', name);
  const podSpec = field(obj, 'spec', 'template', 'spec');
  const [containers, images] = containerCells(podSpec);
  return [
    nameOf(obj), status('desiredNumberScheduled'), status('currentNumberScheduled'), status('numberReady'),
    status('updatedNumberScheduled'), status('numberAvailable'), formatLabels(mapField(podSpec, 'nodeSelector')),
    ageOf(obj, now), containers, images, formatLabelSelector(field(obj, 'spec', 'selector')),
  ];
}
