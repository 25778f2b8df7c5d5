/**
 * `kubectl get jobs` columns (printJob): STATUS from the conditions, COMPLETIONS as
 * succeeded/completions (or "n/1 of parallelism"), DURATION from start to completion or now.
 */
import type { KubeObject } from '../../../api/meta';
import { DESCRIPTIONS } from './column-descriptions';
import { ageColumn, ageOf, arrayField, column, CONTAINERS_COLUMN, containerCells, field, IMAGES_COLUMN, nameColumn, nameOf, numberField, stringField } from './columns';
import { humanDuration } from './human-duration';
import { formatLabelSelector } from './label-format';
import type { Printer, TableCell } from './table';

export const jobPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Status', 'string', DESCRIPTIONS.jobStatus),
    column('Completions', 'string', DESCRIPTIONS.jobSucceeded),
    column('Duration', 'string', DESCRIPTIONS.jobDuration),
    ageColumn(),
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column('Selector', 'string', DESCRIPTIONS.jobSelector, 1),
  ],
  cells: jobCells,
};

function jobCells(obj: KubeObject, now: Date): TableCell[] {
  const [containers, images] = containerCells(field(obj, 'spec', 'template', 'spec'));
  return [
    nameOf(obj), jobStatus(obj), completions(obj), jobDuration(obj, now), ageOf(obj, now),
    containers, images, formatLabelSelector(field(obj, 'spec', 'selector')),
  ];
}

function completions(obj: KubeObject): string {
  const succeeded = numberField(obj, 'status', 'succeeded');
  const wanted = field(obj, 'spec', 'completions');
  if (typeof wanted === 'number') return `${succeeded}/${wanted}`;
  const parallelism = numberField(obj, 'spec', 'parallelism');
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(obj: KubeObject, now: Date): string {
  const start = Date.parse(stringField(obj, 'status', 'startTime'));
  if (Number.isNaN(start)) return '';
  const end = Date.parse(stringField(obj, 'status', 'completionTime'));
  return humanDuration((Number.isNaN(end) ? now.getTime() : end) - start);
}

/** Complete, Failed, Terminating, Suspended, FailureTarget, SuccessCriteriaMet or Running, in that precedence (printJob, 1.32). */
export function jobStatus(obj: KubeObject): string {
  const has = (type: string): boolean => arrayField(obj, 'status', 'conditions').some((c) => stringField(c, 'type') === type && stringField(c, 'status') === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (obj.metadata.deletionTimestamp) return 'Terminating';
  if (has('Suspended')) return 'Suspended';
  if (has('FailureTarget')) return 'FailureTarget';
  if (has('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}
