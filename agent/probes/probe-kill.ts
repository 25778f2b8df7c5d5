/**
 * What the kubelet does with a container that failed its liveness or startup probe
 * (kuberuntime_manager computePodActions, killContainer): kill it with the message
 * `Container <name> failed liveness probe, will be restarted` (without the suffix when the pod
 * never restarts), reason LivenessProbe / StartupProbe, within the probe's
 * terminationGracePeriodSeconds when set, else the pod's, and never less than 2 seconds.
 */
import type { Container, Pod } from '../../api/core-v1';
import type { ProbeType } from './probe-outcome';

export interface ProbeKill {
  /** The Killing event's message. */
  message: string;
  reason: 'LivenessProbe' | 'StartupProbe';
  gracePeriodSeconds: number;
  /** False under restartPolicy Never: the container stays exited. */
  restart: boolean;
}

const MIN_GRACE_SECONDS = 2;
const DEFAULT_GRACE_SECONDS = 30;

/** The kill a failed liveness or startup probe calls for; undefined for readiness (it never kills). */
export function probeKill(pod: Pod, container: Container, type: ProbeType): ProbeKill | undefined {
  if (type === 'readiness') return undefined;
  const restart = pod.spec.restartPolicy !== 'Never';
  const probe = type === 'liveness' ? container.livenessProbe : container.startupProbe;
  const grace = pod.metadata.deletionGracePeriodSeconds ?? probe?.terminationGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
  return {
    message: `Container ${container.name} failed ${type} probe${restart ? ', will be restarted' : ''}`,
    reason: type === 'liveness' ? 'LivenessProbe' : 'StartupProbe',
    gracePeriodSeconds: Math.max(MIN_GRACE_SECONDS, grace),
    restart,
  };
}
