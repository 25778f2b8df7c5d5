/**
 * autoscaling/v1 Scale: the body of the `scale` subresource of Deployments, ReplicaSets and
 * StatefulSets (`kubectl scale`). status.selector is the target's selector in string form.
 */
import type { KubeObject, ObjectMeta } from './meta';

export interface ScaleSpec {
  replicas?: number;
}

export interface ScaleStatus {
  replicas: number;
  /** labels.Selector string form ("app=web,tier in (a,b)"), as formatLabelSelector prints it. */
  selector?: string;
}

export interface Scale extends KubeObject {
  apiVersion: 'autoscaling/v1';
  kind: 'Scale';
  metadata: ObjectMeta;
  spec?: ScaleSpec;
  status?: ScaleStatus;
}
