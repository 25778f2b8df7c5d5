/**
 * policy/v1 kinds: PodDisruptionBudget and the Eviction subresource body, with field names as
 * k8s.io/api/policy/v1 v0.32.
 */
import type { IntOrString } from './int-or-percent';
import type { KubeObject, LabelSelector, ObjectMeta } from './meta';

export type UnhealthyPodEvictionPolicy = 'IfHealthyBudget' | 'AlwaysAllow';

export interface PodDisruptionBudgetSpec {
  /** At most one of minAvailable and maxUnavailable is set. */
  minAvailable?: IntOrString;
  /** Unset or empty ({}) selects no pods in policy/v1 (it selected all in v1beta1). */
  selector?: LabelSelector;
  maxUnavailable?: IntOrString;
  unhealthyPodEvictionPolicy?: UnhealthyPodEvictionPolicy;
}

/** metav1.Condition, as the PDB's DisruptionAllowed condition uses it. */
export interface MetaCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface PodDisruptionBudgetStatus {
  observedGeneration?: number;
  /** Pod name → the time its eviction was granted, until the controller sees it go. */
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: MetaCondition[];
}

export interface PodDisruptionBudget extends KubeObject {
  apiVersion: 'policy/v1';
  kind: 'PodDisruptionBudget';
  metadata: ObjectMeta;
  spec?: PodDisruptionBudgetSpec;
  status?: PodDisruptionBudgetStatus;
}

export interface DeleteOptions {
  kind?: 'DeleteOptions';
  apiVersion?: string;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  orphanDependents?: boolean;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  dryRun?: string[];
}

/** The body POSTed to pods/{name}/eviction. */
export interface Eviction extends KubeObject {
  apiVersion: 'policy/v1';
  kind: 'Eviction';
  metadata: ObjectMeta;
  deleteOptions?: DeleteOptions;
}
