/**
 * metrics.k8s.io/v1beta1 (k8s.io/metrics), as metrics-server serves it: read-only NodeMetrics and
 * PodMetrics, CPU in cores (nanocore quantities such as `123456n` or `12m`), memory the working
 * set in bytes (`10240Ki`), `timestamp` the sample's time and `window` the span the CPU rate
 * was measured over.
 */
import type { KubeObject } from './meta';

export type UsageList = { cpu: string; memory: string };

export interface NodeMetrics extends KubeObject {
  apiVersion: 'metrics.k8s.io/v1beta1';
  kind: 'NodeMetrics';
  timestamp: string;
  window: string;
  usage: UsageList;
}

export interface ContainerMetrics {
  name: string;
  usage: UsageList;
}

export interface PodMetrics extends KubeObject {
  apiVersion: 'metrics.k8s.io/v1beta1';
  kind: 'PodMetrics';
  timestamp: string;
  window: string;
  containers: ContainerMetrics[];
}
