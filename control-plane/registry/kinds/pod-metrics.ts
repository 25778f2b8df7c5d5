/**
 * PodMetrics (metrics.k8s.io/v1beta1 `pods`, what `kubectl top pod` reads): read from the
 * agents' usage reports in memory (control-plane/nodes/metrics-sources.ts), never stored; get
 * and list only, as metrics-server serves them.
 */
import type { PodMetrics } from '../../../api/metrics-v1beta1';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';

export const POD_METRICS = defineKind<PodMetrics>({
  group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods', singularName: '', kind: 'PodMetrics', listKind: 'PodMetricsList', namespaced: true,
  verbs: ['get', 'list'],
  live: true,
  strategy: defaultStrategy<PodMetrics>({ topLevelFields: [...OBJECT_FIELDS, 'timestamp', 'window', 'containers'], hasStatus: false }),
});
