/**
 * ComponentStatus (core/v1 `componentstatuses`, `cs`): the health of etcd (one per endpoint,
 * `etcd-0`…), the scheduler and the controller manager, checked when read
 * (control-plane/component-statuses.ts), never stored; get and list only. Deprecated in
 * Kubernetes since v1.19 and still served there, with a warning on every request.
 */
import type { ComponentStatus } from '../../../api/component-status';
import { componentStatusPrinter } from '../../apiserver/tables/component-status-printer';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';

export const COMPONENT_STATUSES = defineKind<ComponentStatus>({
  group: '', version: 'v1', resource: 'componentstatuses', singularName: 'componentstatus', kind: 'ComponentStatus', listKind: 'ComponentStatusList', namespaced: false,
  verbs: ['get', 'list'], shortNames: ['cs'],
  live: true,
  deprecationWarning: 'v1 ComponentStatus is deprecated in v1.19+',
  printer: componentStatusPrinter,
  strategy: defaultStrategy<ComponentStatus>({ topLevelFields: [...OBJECT_FIELDS, 'conditions'], hasStatus: false }),
});
