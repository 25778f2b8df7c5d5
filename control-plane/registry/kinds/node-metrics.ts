/**
 * NodeMetrics (metrics.k8s.io/v1beta1 `nodes`, what `kubectl top node` reads): read from the
 * agents' usage reports in memory (control-plane/nodes/metrics-sources.ts), never stored; get
 * and list only, as metrics-server serves them.
 */
import type { NodeMetrics } from '../../../api/metrics-v1beta1';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';

export const NODE_METRICS = defineKind<NodeMetrics>({
  group: 'metrics.k8s.io', version: 'v1beta1', resource: 'nodes', singularName: '', kind: 'NodeMetrics', listKind: 'NodeMetricsList', namespaced: false,
  verbs: ['get', 'list'],
  live: true,
  strategy: defaultStrategy<NodeMetrics>({ topLevelFields: [...OBJECT_FIELDS, 'timestamp', 'window', 'usage'], hasStatus: false }),
});
