/**
 * `kubectl get componentstatuses` (printComponentStatus): Healthy or Unhealthy from the
 * `Healthy` condition (Unknown without one), with its message and error.
 */
import type { ComponentStatus } from '../../../api/component-status';
import { DESCRIPTIONS } from './column-descriptions';
import { column, nameColumn, nameOf } from './columns';
import type { Printer } from './table';

export const componentStatusPrinter: Printer = {
  columns: [nameColumn(), column('Status', 'string', DESCRIPTIONS.componentStatus), column('Message', 'string', DESCRIPTIONS.componentMessage), column('Error', 'string', DESCRIPTIONS.componentError)],
  cells: (obj) => {
    const healthy = (obj as ComponentStatus).conditions?.find((c) => c.type === 'Healthy');
    const status = healthy === undefined ? 'Unknown' : healthy.status === 'True' ? 'Healthy' : 'Unhealthy';
    return [nameOf(obj), status, healthy?.message ?? '', healthy?.error ?? ''];
  },
};
