/** Test pods with probes: `probedPod({ livenessProbe: execProbe('check') })`. */
import type { Container, Pod, Probe } from '../../../../api/core-v1';

let counter = 0;

/** A defaulted exec probe (timeout 1 s, period 10 s, thresholds 1/3), with overrides. */
export function execProbeSpec(overrides: Partial<Probe> = {}, command = ['check']): Probe {
  return { exec: { command }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3, ...overrides };
}

export function probedPod(container: Partial<Container> = {}, uid = `pod-uid-${++counter}`): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `web-${counter}`, namespace: 'default', uid },
    spec: { containers: [{ name: 'app', image: 'pikube/busybox:latest', ...container }], restartPolicy: 'Always' },
  };
}

export function deleting(pod: Pod): Pod {
  const copy = structuredClone(pod);
  copy.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
  copy.metadata.deletionGracePeriodSeconds = 30;
  return copy;
}
