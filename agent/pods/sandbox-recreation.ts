/**
 * What the kubelet does when a pod's sandbox (pause container) died, from computePodActions
 * (pkg/kubelet/kuberuntime/kuberuntime_manager.go, v1.32):
 *
 * - a restartPolicy Never pod whose containers ran is not given a new sandbox: its containers
 *   are killed and it ends (Failed, or Succeeded if they had all completed);
 * - nor is a pod with nothing left to start (OnFailure, every app container succeeded);
 * - otherwise a new sandbox is made, every container is killed, and the init containers are
 *   purged so they all run again, from the first, before the app containers restart.
 */
import type { Pod } from '../../api/core-v1';
import type { PodObservation } from './pod-observation';

export type SandboxAction = 'create' | 'recreate' | 'kill-pod';

function succeeded(obs: PodObservation, name: string): boolean {
  const cur = obs.containers.get(name)?.current;
  return cur !== undefined && !cur.running && cur.exitCode === 0 && !cur.error;
}

/** For a pod without a running sandbox. */
export function sandboxAction(pod: Pod, obs: PodObservation): SandboxAction {
  if (obs.sandboxes.length === 0) return 'create';
  if (pod.spec.restartPolicy === 'Never' && obs.containers.size > 0) return 'kill-pod';
  const toStart = pod.spec.containers.filter((c) => pod.spec.restartPolicy !== 'OnFailure' || !succeeded(obs, c.name));
  return toStart.length === 0 ? 'kill-pod' : 'recreate';
}
