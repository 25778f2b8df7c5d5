import assert from 'node:assert/strict';
import { probeKill } from '../../../../agent/probes/probe-kill';
import { deleting, execProbeSpec, probedPod } from './probed-pod';

describe('the kill a failed probe calls for', () => {
  it('restarts a container whose liveness probe failed, with the pod grace period', () => {
    const pod = probedPod({ livenessProbe: execProbeSpec() });
    pod.spec.terminationGracePeriodSeconds = 20;
    assert.deepEqual(probeKill(pod, pod.spec.containers[0], 'liveness'), {
      message: 'Container app failed liveness probe, will be restarted', reason: 'LivenessProbe', gracePeriodSeconds: 20, restart: true,
    });
  });

  it("uses the probe's own terminationGracePeriodSeconds, never below 2 s", () => {
    const pod = probedPod({ startupProbe: execProbeSpec({ terminationGracePeriodSeconds: 1 }) });
    assert.equal(probeKill(pod, pod.spec.containers[0], 'startup')?.gracePeriodSeconds, 2);
    assert.equal(probeKill(pod, pod.spec.containers[0], 'startup')?.reason, 'StartupProbe');
  });

  it('does not promise a restart under restartPolicy Never, and prefers a deletion grace period', () => {
    const pod = deleting(probedPod({ livenessProbe: execProbeSpec({ terminationGracePeriodSeconds: 5 }) }));
    pod.spec.restartPolicy = 'Never';
    const kill = probeKill(pod, pod.spec.containers[0], 'liveness');
    assert.equal(kill?.message, 'Container app failed liveness probe');
    assert.equal(kill?.gracePeriodSeconds, 30);
    assert.equal(kill?.restart, false);
  });

  it('never kills for readiness', () => {
    const pod = probedPod({ readinessProbe: execProbeSpec() });
    assert.equal(probeKill(pod, pod.spec.containers[0], 'readiness'), undefined);
  });
});
