/** `kubectl get namespaces` columns: name, phase, age (printNamespace). */
import type { Namespace } from '../../../api/core-v1';
import { DESCRIPTIONS } from './column-descriptions';
import { ageColumn, ageOf, column, nameColumn, nameOf } from './columns';
import type { Printer } from './table';

export const namespacePrinter: Printer = {
  columns: [nameColumn(), column('Status', 'string', DESCRIPTIONS.namespacePhase), ageColumn()],
  cells: (obj, now) => [nameOf(obj), (obj as Namespace).status?.phase ?? '', ageOf(obj, now)],
};
