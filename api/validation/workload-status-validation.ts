/**
 * Status-subresource validation of the apps kinds (ValidateDeploymentStatusUpdate,
 * ValidateReplicaSetStatusUpdate, ValidateDaemonSetStatusUpdate, ValidateStatefulSetStatusUpdate
 * of pkg/apis/apps/validation, 1.32): counters non-negative, none above status.replicas,
 * availableReplicas not above readyReplicas, collisionCount never decremented. What a
 * controller writes through /status is checked by these; the spec is not revalidated.
 */
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from '../apps-v1';
import { child } from './field-path';
import { invalid, type FieldCause } from './field-errors';
import { validateNonnegative, validateObjectMetaUpdate } from './object-meta';

const STATUS = 'status';
const ABOVE_REPLICAS = 'cannot be greater than status.replicas';

type Counters = Record<string, number | undefined>;

function nonNegative(status: Counters, fields: readonly string[]): FieldCause[] {
  return fields.filter((f) => status[f] != null).flatMap((f) => validateNonnegative(status[f] as number, child(STATUS, f)));
}

function notAbove(status: Counters, fields: readonly string[], limit: string, message: string): FieldCause[] {
  return fields.filter((f) => (status[f] ?? 0) > (status[limit] ?? 0)).map((f) => invalid(child(STATUS, f), status[f] ?? 0, message));
}

function collisionCountKept(next: number | undefined, old: number | undefined): FieldCause[] {
  if (old == null || (next != null && next >= old)) return [];
  return [invalid(child(STATUS, 'collisionCount'), next ?? 0, 'cannot be decremented')];
}

export function validateDeploymentStatusUpdate(next: Deployment, old: Deployment): FieldCause[] {
  const s = (next.status ?? {}) as Counters;
  return [
    ...validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {}),
    ...nonNegative(s, ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount']),
    ...notAbove(s, ['updatedReplicas', 'readyReplicas', 'availableReplicas'], 'replicas', ABOVE_REPLICAS),
    ...notAbove(s, ['availableReplicas'], 'readyReplicas', 'cannot be greater than readyReplicas'),
    ...collisionCountKept(next.status?.collisionCount, old.status?.collisionCount),
  ];
}

export function validateReplicaSetStatusUpdate(next: ReplicaSet, old: ReplicaSet): FieldCause[] {
  const s = (next.status ?? {}) as unknown as Counters;
  return [
    ...validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {}),
    ...nonNegative(s, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']),
    ...notAbove(s, ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'], 'replicas', ABOVE_REPLICAS),
    ...notAbove(s, ['availableReplicas'], 'readyReplicas', 'cannot be greater than readyReplicas'),
  ];
}

export function validateDaemonSetStatusUpdate(next: DaemonSet, old: DaemonSet): FieldCause[] {
  const s = (next.status ?? {}) as unknown as Counters;
  return [
    ...validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {}),
    ...nonNegative(s, ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'collisionCount']),
    ...collisionCountKept(next.status?.collisionCount, old.status?.collisionCount),
  ];
}

export function validateStatefulSetStatusUpdate(next: StatefulSet, old: StatefulSet): FieldCause[] {
  const s = (next.status ?? {}) as unknown as Counters;
  return [
    ...nonNegative(s, ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'observedGeneration', 'collisionCount']),
    ...notAbove(s, ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'], 'replicas', ABOVE_REPLICAS),
    ...notAbove(s, ['availableReplicas'], 'readyReplicas', 'cannot be greater than status.readyReplicas'),
    ...validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {}),
    ...collisionCountKept(next.status?.collisionCount, old.status?.collisionCount),
  ];
}
