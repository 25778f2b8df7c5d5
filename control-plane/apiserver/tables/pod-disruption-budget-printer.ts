/** `kubectl get poddisruptionbudgets` columns (printPodDisruptionBudget): an unset bound reads N/A. */
import type { KubeObject } from '../../../api/meta';
import { DESCRIPTIONS } from './column-descriptions';
import { ageColumn, ageOf, column, field, nameColumn, nameOf, numberField } from './columns';
import type { Printer, TableCell } from './table';

export const podDisruptionBudgetPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Min Available', 'string', DESCRIPTIONS.pdbMinAvailable),
    column('Max Unavailable', 'string', DESCRIPTIONS.pdbMaxUnavailable),
    column('Allowed Disruptions', 'integer', DESCRIPTIONS.pdbAllowedDisruptions),
    ageColumn(),
  ],
  cells: (obj: KubeObject, now: Date): TableCell[] => [
    nameOf(obj), intOrStringCell(field(obj, 'spec', 'minAvailable')), intOrStringCell(field(obj, 'spec', 'maxUnavailable')),
    numberField(obj, 'status', 'disruptionsAllowed'), ageOf(obj, now),
  ],
};

/** intstr.IntOrString.String(): the number or the string as is; N/A when unset. */
function intOrStringCell(value: unknown): string {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' ? value : 'N/A';
}
