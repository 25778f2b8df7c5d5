/**
 * When a Deployment or ReplicaSet has reached the rollout benchmark's goals, judged from the
 * object alone (as a watch delivers it): all N ready, and a rollout complete as
 * `kubectl rollout status` judges it. Pure: tested with tables of objects.
 */
import type { ApiObject } from './object-sighting';
import type { PikubeWorkload } from './rollout-workload';

export interface WorkloadView {
  generation: number;
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  updatedReplicas?: number;
  observedGeneration?: number;
}

function field(from: unknown, name: string): number | undefined {
  if (typeof from !== 'object' || from === null) return undefined;
  const value: unknown = (from as Record<string, unknown>)[name];
  return typeof value === 'number' ? value : undefined;
}

/** The counters of the object's status (a missing or non-numeric counter is undefined, as Kubernetes omits zeros). */
export function view(o: ApiObject): WorkloadView {
  const s = o.status;
  return {
    generation: field(o.metadata, 'generation') ?? 0, replicas: field(s, 'replicas'), readyReplicas: field(s, 'readyReplicas'),
    availableReplicas: field(s, 'availableReplicas'), updatedReplicas: field(s, 'updatedReplicas'), observedGeneration: field(s, 'observedGeneration'),
  };
}

function observedCurrent(v: WorkloadView): boolean {
  return (v.observedGeneration ?? 0) >= v.generation;
}

/** N replicas, all ready and available, for the current generation (a Deployment's all updated too). */
export function allReady(kind: PikubeWorkload, n: number): (o: ApiObject) => boolean {
  return (o) => {
    const v = view(o);
    const counts = v.replicas === n && v.readyReplicas === n && v.availableReplicas === n;
    return observedCurrent(v) && counts && (kind === 'replicaset' || v.updatedReplicas === n);
  };
}

/**
 * `kubectl rollout status`'s test for a generation after `before`: observed, every replica
 * updated and available, and no old replica left (status.replicas counts them).
 */
export function rolledOut(n: number, before: number): (o: ApiObject) => boolean {
  return (o) => {
    const v = view(o);
    return v.generation > before && observedCurrent(v) && v.updatedReplicas === n && v.availableReplicas === n && v.replicas === n;
  };
}
