/**
 * The Events a kubelet records about a pod's containers, with its exact reasons and messages
 * (pkg/kubelet/events, kuberuntime_container.go, images/image_manager.go, v1.32), so that
 * `kubectl describe pod` reads as on any cluster. The worker emits them through the
 * PodReporter; the control plane records them from component `kubelet` on this node.
 */
import type { Container, Pod } from '../../api/core-v1';

export type PodEventType = 'Normal' | 'Warning';

/** One event about a pod, or one of its containers when `fieldPath` names it. */
export interface PodEvent {
  /** `spec.containers{web}`, `spec.initContainers{init}`, or empty for the pod itself. */
  fieldPath: string;
  type: PodEventType;
  reason: string;
  message: string;
}

/** The control plane refuses longer messages; the kubelet's are far shorter anyway. */
export const MAX_EVENT_MESSAGE = 1024;

/** `spec.initContainers{x}` for an init container (sidecars included), else `spec.containers{x}`. */
export function containerFieldPath(pod: Pod, name: string): string {
  const init = pod.spec.initContainers?.some((c) => c.name === name) === true;
  return `${init ? 'spec.initContainers' : 'spec.containers'}{${name}}`;
}

/** The kubelet's format.Pod: `name_namespace(uid)`. */
export function formatPod(pod: Pod): string {
  return `${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})`;
}

/** Go's time.Duration.String() for a duration truncated to milliseconds: `345ms`, `1.5s`, `2m3.25s`. */
export function goDuration(ms: number): string {
  const whole = Math.max(0, Math.trunc(ms));
  if (whole === 0) return '0s';
  if (whole < 1000) return `${whole}ms`;
  const minutes = Math.floor(whole / 60_000);
  const hours = Math.floor(minutes / 60);
  const seconds = ((whole % 60_000) / 1000).toFixed(3).replace(/\.?0+$/, '');
  if (hours > 0) return `${hours}h${minutes % 60}m${seconds}s`;
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

const normal = (reason: string, message: string) => ({ type: 'Normal' as const, reason, message });
const warning = (reason: string, message: string) => ({ type: 'Warning' as const, reason, message });

/** Events about a container, without the field path (the caller knows the container). */
export const containerEvents = {
  pulling: (image: string) => normal('Pulling', `Pulling image "${image}"`),
  pulled: (image: string, ms: number, sizeBytes?: number) =>
    normal('Pulled', `Successfully pulled image "${image}" in ${goDuration(ms)} (${goDuration(ms)} including waiting).${sizeBytes === undefined ? '' : ` Image size: ${sizeBytes} bytes.`}`),
  alreadyPresent: (image: string) => normal('Pulled', `Container image "${image}" already present on machine`),
  pullFailed: (image: string, error: string) => warning('Failed', `Failed to pull image "${image}": ${error}`),
  pullBackOff: (image: string) => normal('BackOff', `Back-off pulling image "${image}"`),
  neverPull: (message: string) => warning('ErrImageNeverPull', message),
  inspectFailed: (message: string) => warning('InspectFailed', message),
  /** `Error: ErrImagePull`, `Error: <config error>`, `Error: <runtime message>`. */
  failed: (error: string) => warning('Failed', `Error: ${error}`),
  created: (c: Container) => normal('Created', `Created container ${c.name}`),
  started: (c: Container) => normal('Started', `Started container ${c.name}`),
  /** `message` defaults to the kubelet's; a kill for a reason carries that reason (e.g. `FailedPostStartHook`). */
  killing: (c: Container, message?: string) => normal('Killing', message ?? `Stopping container ${c.name}`),
  backOff: (c: Container, pod: Pod) => warning('BackOff', `Back-off restarting failed container ${c.name} in pod ${formatPod(pod)}`),
  // The kubelet keeps hook output out of events (it may hold secrets): the details go to the status.
  failedPostStartHook: () => warning('FailedPostStartHook', 'PostStartHook failed'),
  failedPreStopHook: () => warning('FailedPreStopHook', 'PreStopHook failed'),
  /**
   * The kubelet has no per-pod OOM event (node-problem-detector reports `OOMKilling` on the
   * Node): pikube records it on the container, where `kubectl describe pod` shows it.
   */
  oomKilling: (c: Container, limit: string | undefined) =>
    warning('OOMKilling', `Memory cgroup out of memory: killed process in container ${c.name}${limit ? ` (memory limit ${limit})` : ''}`),
  failedMount: (volume: string, error: string) => warning('FailedMount', `MountVolume.SetUp failed for volume "${volume}" : ${error}`),
};

/** Cuts a message to what the control plane accepts. */
export function boundedMessage(message: string): string {
  return message.length <= MAX_EVENT_MESSAGE ? message : `${message.slice(0, MAX_EVENT_MESSAGE - 3)}...`;
}
