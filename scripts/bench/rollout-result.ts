/** What one side (pikube or Swarm) of the rollout benchmark measured for one replica count. */
import type { Usage } from './process-usage';

export interface PhaseResult {
  /** From just before the create (or update) command was started to the first sighting of the goal. */
  ms: number;
  /** How long the command itself took (kubectl or docker CLI, process start included). */
  commandMs: number;
  /** CPU seconds and RSS of the processes, over the phase. */
  usage: Usage;
  loadAverage1m: { start: number; end: number };
}

export interface SideResult {
  /** What ran: e.g. "Deployment", "ReplicaSet (create → ready only)", "docker service". */
  workload: string;
  createToReady: PhaseResult;
  /** Absent when the side could not roll (pikube's ReplicaSet mode). */
  rollout?: PhaseResult;
  /** Replicas per node once ready (and after the rollout). */
  perNode: { ready: Record<string, number>; rolled?: Record<string, number> };
  notes: string[];
}

/** How long each side may take to reach each goal before it fails. */
export interface RolloutLimits {
  readyTimeoutMs: number;
  rolloutTimeoutMs: number;
}

/** The processes named in `usage` that play the control plane's part on each side. */
export const CONTROL_PLANE = 'controlPlane';
