/**
 * apps/v1 workload kinds: Deployment, ReplicaSet, DaemonSet, StatefulSet, ControllerRevision.
 * Field names and optionality as k8s.io/api/apps/v1 v0.32 (the schema pikube serves lives in
 * control-plane/apiserver/schema/k8s-definitions.ts). Fields that SetDefaults_* fills are optional
 * here, as on the wire; a defaulted object always has them.
 */
import type { ConditionStatus, PersistentVolumeClaim, PodTemplateSpec } from './core-v1';
import type { IntOrString } from './int-or-percent';
import type { KubeObject, LabelSelector, ObjectMeta } from './meta';

/** The shape every apps/v1 status condition has (DeploymentCondition adds lastUpdateTime). */
export interface WorkloadCondition<T extends string = string> {
  type: T;
  status: ConditionStatus;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

// ---- Deployment ----

export type DeploymentStrategyType = 'Recreate' | 'RollingUpdate';

export interface RollingUpdateDeployment {
  maxUnavailable?: IntOrString;
  maxSurge?: IntOrString;
}

export interface DeploymentStrategy {
  type?: DeploymentStrategyType;
  rollingUpdate?: RollingUpdateDeployment;
}

export interface DeploymentSpec {
  replicas?: number;
  selector: LabelSelector;
  template: PodTemplateSpec;
  strategy?: DeploymentStrategy;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  progressDeadlineSeconds?: number;
}

/** Available, Progressing, ReplicaFailure. */
export type DeploymentConditionType = 'Available' | 'Progressing' | 'ReplicaFailure';

export interface DeploymentCondition extends WorkloadCondition<DeploymentConditionType> {
  lastUpdateTime?: string;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: DeploymentCondition[];
  collisionCount?: number;
}

export interface Deployment extends KubeObject {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  metadata: ObjectMeta;
  spec: DeploymentSpec;
  status?: DeploymentStatus;
}

// ---- ReplicaSet ----

export interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  selector: LabelSelector;
  /** Optional in the schema; a ReplicaSet without one cannot create pods. */
  template?: PodTemplateSpec;
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: WorkloadCondition<'ReplicaFailure'>[];
}

export interface ReplicaSet extends KubeObject {
  apiVersion: 'apps/v1';
  kind: 'ReplicaSet';
  metadata: ObjectMeta;
  spec: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}

// ---- DaemonSet ----

export interface RollingUpdateDaemonSet {
  maxUnavailable?: IntOrString;
  maxSurge?: IntOrString;
}

export interface DaemonSetUpdateStrategy {
  type?: 'RollingUpdate' | 'OnDelete';
  rollingUpdate?: RollingUpdateDaemonSet;
}

export interface DaemonSetSpec {
  selector: LabelSelector;
  template: PodTemplateSpec;
  updateStrategy?: DaemonSetUpdateStrategy;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

export interface DaemonSetStatus {
  currentNumberScheduled: number;
  numberMisscheduled: number;
  desiredNumberScheduled: number;
  numberReady: number;
  observedGeneration?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  collisionCount?: number;
  conditions?: WorkloadCondition[];
}

export interface DaemonSet extends KubeObject {
  apiVersion: 'apps/v1';
  kind: 'DaemonSet';
  metadata: ObjectMeta;
  spec: DaemonSetSpec;
  status?: DaemonSetStatus;
}

// ---- StatefulSet ----

export type PodManagementPolicy = 'OrderedReady' | 'Parallel';
export type PersistentVolumeClaimRetentionPolicyType = 'Retain' | 'Delete';

export interface RollingUpdateStatefulSetStrategy {
  partition?: number;
  /** Alpha in 1.32 (MaxUnavailableStatefulSet); validated, not acted on unless a controller does. */
  maxUnavailable?: IntOrString;
}

export interface StatefulSetUpdateStrategy {
  type?: 'RollingUpdate' | 'OnDelete';
  rollingUpdate?: RollingUpdateStatefulSetStrategy;
}

export interface StatefulSetPersistentVolumeClaimRetentionPolicy {
  whenDeleted?: PersistentVolumeClaimRetentionPolicyType;
  whenScaled?: PersistentVolumeClaimRetentionPolicyType;
}

export interface StatefulSetSpec {
  replicas?: number;
  selector: LabelSelector;
  template: PodTemplateSpec;
  volumeClaimTemplates?: PersistentVolumeClaim[];
  /** Marked required by the 1.32 schema (no omitempty), but never checked by validation. */
  serviceName?: string;
  podManagementPolicy?: PodManagementPolicy;
  updateStrategy?: StatefulSetUpdateStrategy;
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
  persistentVolumeClaimRetentionPolicy?: StatefulSetPersistentVolumeClaimRetentionPolicy;
  ordinals?: { start?: number };
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  conditions?: WorkloadCondition[];
  availableReplicas?: number;
}

export interface StatefulSet extends KubeObject {
  apiVersion: 'apps/v1';
  kind: 'StatefulSet';
  metadata: ObjectMeta;
  spec: StatefulSetSpec;
  status?: StatefulSetStatus;
}

// ---- ControllerRevision ----

/** An immutable snapshot of a DaemonSet's or StatefulSet's template (`data` is a patch). */
export interface ControllerRevision extends KubeObject {
  apiVersion: 'apps/v1';
  kind: 'ControllerRevision';
  metadata: ObjectMeta;
  data?: unknown;
  revision: number;
}

/** Labels Kubernetes' controllers put on the pods and revisions they create. */
export const DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY = 'pod-template-hash';
export const CONTROLLER_REVISION_HASH_LABEL_KEY = 'controller-revision-hash';
/** A DaemonSet's template generation, as apps/v1 carries it (DeprecatedTemplateGeneration): 1 at creation, +1 per template change. */
export const DEPRECATED_TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';
/** The label with that generation on the DaemonSet's pods (DaemonSetTemplateGenerationKey). */
export const DAEMON_SET_TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
export const STATEFULSET_POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
