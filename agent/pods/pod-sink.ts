/**
 * The seam between the agent's session (what the control plane wants) and its pod manager
 * (what Docker runs). The session owns the desired set; the manager owns reconciliation.
 */
import type { Pod, PodStatus } from '../../api/core-v1';
import type { PodEvent } from './pod-events';

export type { PodEvent } from './pod-events';

export interface PodSink {
  /**
   * The complete desired set of pods for this node, replacing any earlier set: pods absent
   * from it must be stopped and removed. Pods with `metadata.deletionTimestamp` must be
   * stopped gracefully (within `deletionGracePeriodSeconds`) and then reported terminated.
   * Level-triggered: calling it twice with the same set is harmless.
   */
  setDesired(pods: Pod[]): void;
}

export interface PodReporter {
  /** The observed status changed (send only on change; the session may coalesce). */
  reportStatus(pod: Pod, status: PodStatus): void;
  /** Every container of a pod being deleted is stopped and removed. */
  reportTerminated(pod: Pod): void;
  /**
   * A Kubernetes Event about the pod or one of its containers (Pulled, Started, BackOff...).
   * Best effort: the session may drop events it cannot deliver (a bounded queue while
   * disconnected); it never blocks the caller.
   */
  reportEvent(pod: Pod, event: PodEvent): void;
}
