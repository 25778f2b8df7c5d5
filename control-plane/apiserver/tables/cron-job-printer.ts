/** `kubectl get cronjobs` columns (printCronJob). */
import type { KubeObject } from '../../../api/meta';
import { DESCRIPTIONS } from './column-descriptions';
import { ageColumn, ageOf, arrayField, column, CONTAINERS_COLUMN, containerCells, field, IMAGES_COLUMN, nameColumn, nameOf, stringField } from './columns';
import { age } from './human-duration';
import { formatLabelSelector } from './label-format';
import type { Printer, TableCell } from './table';

export const cronJobPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Schedule', 'string', DESCRIPTIONS.cronJobSchedule),
    column('Timezone', 'string', DESCRIPTIONS.cronJobTimeZone),
    column('Suspend', 'boolean', DESCRIPTIONS.cronJobSuspend),
    column('Active', 'integer', DESCRIPTIONS.cronJobActive),
    column('Last Schedule', 'string', DESCRIPTIONS.cronJobLastScheduleTime),
    ageColumn(),
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column('Selector', 'string', DESCRIPTIONS.jobSelector, 1),
  ],
  cells: cronJobCells,
};

function cronJobCells(obj: KubeObject, now: Date): TableCell[] {
  const jobSpec = field(obj, 'spec', 'jobTemplate', 'spec');
  const [containers, images] = containerCells(field(jobSpec, 'template', 'spec'));
  const lastSchedule = stringField(obj, 'status', 'lastScheduleTime');
  return [
    nameOf(obj), stringField(obj, 'spec', 'schedule'), stringField(obj, 'spec', 'timeZone') || '<none>', boolCell(field(obj, 'spec', 'suspend')),
    arrayField(obj, 'status', 'active').length, lastSchedule ? age(lastSchedule, now) : '<none>', ageOf(obj, now),
    containers, images, formatLabelSelector(field(jobSpec, 'selector')),
  ];
}

/** printBoolPtr: True, False or <unset>. */
function boolCell(value: unknown): string {
  if (typeof value !== 'boolean') return '<unset>';
  return value ? 'True' : 'False';
}
