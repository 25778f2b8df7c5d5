/** coordination.k8s.io/v1 Lease: a holder's claim, renewed (the kubelet's node heartbeat in `kube-node-lease`). */
import type { KubeObject } from './meta';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  /** metav1.MicroTime: RFC 3339 with microseconds. */
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

/** A time as metav1.MicroTime marshals it: `2026-12-07T10:00:00.123000Z`. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
