/**
 * Starting one container, as the kubelet's startContainer does, step by step with its events:
 * the image (Pulling/Pulled, or Failed/BackOff), the config (env with the service variables,
 * resources, volume mounts, the pod's resolv.conf), create (Created), start (Started), then
 * the postStart hook — whose failure is the FailedPostStartHook event and a kill of the
 * container, which then restarts per policy.
 */
import type { Secret } from '../../api/config-v1';
import type { Container, Pod, ResourceList } from '../../api/core-v1';
import type { ConfigSource } from '../config-objects';
import { NameConflictError, type ContainerDetails, type ContainerMount, type ContainerRuntime, type ContainerSpec } from '../runtime/container-runtime';
import { readOnlyVolumesOf, type PodVolumes } from '../volumes/pod-volumes';
import type { Clock } from '../../base/clock';
import { appContainerSpec } from './container-spec';
import { killContainer, type KillDeps } from './container-killer';
import type { ImagePuller, ImageResult } from './image-puller';
import { runHook } from './lifecycle-hooks';
import type { EventSpec, PodEventLog } from './pod-event-log';
import { containerEvents } from './pod-events';
import type { WaitingReason } from './pod-status';
import { resolvConfMount } from './pod-resolv-conf';
import { failedToRetrievePullSecrets, podPullSecrets } from './pull-secrets';
import { gracePeriodSeconds } from './pod-termination';
import { serviceEnvFor, type ServiceSource } from './service-env';
import { traceStep } from '../../base/step-trace';

export interface StarterDeps {
  runtime: ContainerRuntime;
  images: ImagePuller;
  volumes?: PodVolumes;
  events: PodEventLog;
  clock: Pick<Clock, 'now'>;
  nodeName: string;
  hostIP: string;
  cgroupParent: string;
  /** The services behind the containers' service variables; absent: none. */
  services?: ServiceSource;
  /** The ConfigMaps and Secrets delivered to this node (env valueFrom, envFrom); absent: none. */
  config?: ConfigSource;
  /** The node's allocatable resources (resourceFieldRef of a container without limits). */
  allocatable?: () => ResourceList;
  log: (message: string) => void;
}

export interface StartRequest {
  pod: Pod;
  container: Container;
  restartCount: number;
  sandbox: ContainerDetails;
  podIP: string | undefined;
  /** Host paths of the pod's volumes, by volume name. */
  volumePaths: Map<string, string>;
  /** Host path of the pod's resolv.conf, bind-mounted at /etc/resolv.conf; absent: Docker's own. */
  resolvConf?: string;
}

export type StartOutcome =
  /** A container was created: started, or left with the runtime's start error (status shows it). */
  | { created: true; waiting?: WaitingReason }
  | { created: false; waiting: WaitingReason; retryAtMs?: number };

/** Repeated failure events (each pass would say them again) are sent at most this often. */
const REPEAT_WINDOW_MS = 60_000;
/** The kubelet bounds no postStart hook; we bound a hung one so the pod can move on. */
const POST_START_TIMEOUT_MS = 30 * 60_000;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function imageEvents(deps: StarterDeps, req: StartRequest, image: ImageResult): void {
  const { pod, container: c } = req;
  const say = (e: EventSpec, repeat = 0): void => deps.events.container(pod, c.name, e, repeat);
  const name = c.image ?? '';
  if (image.ok) return say(image.pulledInMs === undefined ? containerEvents.alreadyPresent(name) : containerEvents.pulled(name, image.pulledInMs, image.image.size));
  if (image.reason === 'ErrImagePull') say(containerEvents.pullFailed(name, image.message));
  else if (image.reason === 'ImagePullBackOff') say(containerEvents.pullBackOff(name), REPEAT_WINDOW_MS);
  else if (image.reason === 'ErrImageNeverPull') say(containerEvents.neverPull(image.message), REPEAT_WINDOW_MS);
  else say(containerEvents.inspectFailed(image.message), REPEAT_WINDOW_MS);
  say(containerEvents.failed(image.reason), image.reason === 'ErrImagePull' ? 0 : REPEAT_WINDOW_MS);
}

function configError(deps: StarterDeps, req: StartRequest, message: string): StartOutcome {
  deps.events.container(req.pod, req.container.name, containerEvents.failed(message), REPEAT_WINDOW_MS);
  return { created: false, waiting: { reason: 'CreateContainerConfigError', message } };
}

function specFor(deps: StarterDeps, req: StartRequest, imageRef: string): { spec: ContainerSpec } | { error: string } {
  const { pod, container } = req;
  const serviceEnv = deps.services ? serviceEnvFor(pod, deps.services) : undefined;
  if (serviceEnv instanceof Error) return { error: serviceEnv.message };
  const built = appContainerSpec(pod, container, {
    pod, nodeName: deps.nodeName, hostIP: deps.hostIP, podIP: req.podIP, serviceEnv, config: deps.config, allocatable: deps.allocatable?.(), imageRef, cgroupParent: deps.cgroupParent,
    sandboxId: req.sandbox.id, restartCount: req.restartCount, gracePeriodSeconds: gracePeriodSeconds(pod),
  });
  if (!built.ok) return { error: built.message };
  const mounts = mountsFor(deps, req);
  if ('error' in mounts) return mounts;
  return { spec: mounts.mounts.length > 0 ? { ...built.spec, mounts: mounts.mounts } : built.spec };
}

/** The container's volume mounts, then the pod's resolv.conf. */
function mountsFor(deps: StarterDeps, req: StartRequest): { mounts: ContainerMount[] } | { error: string } {
  const { container } = req;
  const dns = req.resolvConf ? resolvConfMount(req.resolvConf, container) : undefined;
  const extra = dns ? [dns] : [];
  if (!container.volumeMounts?.length) return { mounts: extra };
  if (!deps.volumes) return { error: 'this node has no state directory for volumes' };
  const mounts = deps.volumes.mountsFor(container, req.volumePaths, readOnlyVolumesOf(req.pod));
  return mounts.ok ? { mounts: [...mounts.mounts, ...extra] } : { error: mounts.message };
}

/** The pod's image pull secrets on this node; the missing ones are warned about, as the kubelet does each sync. */
function pullSecretsFor(deps: StarterDeps, pod: Pod): Secret[] {
  const { secrets, missing } = podPullSecrets(pod, deps.config);
  if (missing.length > 0) deps.events.container(pod, '', failedToRetrievePullSecrets(missing), REPEAT_WINDOW_MS);
  return secrets;
}

function trace(req: StartRequest, step: string): void {
  traceStep('pod-start', `${req.pod.metadata.namespace ?? ''}/${req.pod.metadata.name ?? ''}`, step, req.container.name);
}

/** Image, spec, create, start, postStart. */
export async function startContainer(deps: StarterDeps, req: StartRequest, signal: AbortSignal): Promise<StartOutcome> {
  const { pod, container: c } = req;
  trace(req, 'container-image');
  const image = await deps.images.ensure(pod.metadata.uid ?? '', c, signal, {
    pullSecrets: pullSecretsFor(deps, pod),
    onPulling: () => deps.events.container(pod, c.name, containerEvents.pulling(c.image ?? '')),
  });
  imageEvents(deps, req, image);
  if (!image.ok) return { created: false, waiting: { reason: image.reason, message: image.message }, retryAtMs: image.retryAtMs };
  const spec = specFor(deps, req, image.ref);
  if ('error' in spec) return configError(deps, req, spec.error);
  let id: string;
  trace(req, 'container-create');
  try {
    id = await deps.runtime.createContainer(spec.spec, signal);
  } catch (err) {
    if (err instanceof NameConflictError) return { created: true }; // it exists: the next pass adopts it
    if (signal.aborted) throw err;
    deps.events.container(pod, c.name, containerEvents.failed(errorText(err)), REPEAT_WINDOW_MS);
    return { created: false, waiting: { reason: 'CreateContainerError', message: errorText(err) } };
  }
  trace(req, 'container-created');
  deps.events.container(pod, c.name, containerEvents.created(c));
  return runCreated(deps, req, id, signal);
}

async function runCreated(deps: StarterDeps, req: StartRequest, id: string, signal: AbortSignal): Promise<StartOutcome> {
  const { pod, container: c } = req;
  try {
    await deps.runtime.startContainer(id, signal);
  } catch (err) {
    if (signal.aborted) throw err;
    // The runtime keeps the start error on the container: the status shows it as StartError.
    deps.events.container(pod, c.name, containerEvents.failed(errorText(err)));
    return { created: true };
  }
  trace(req, 'container-started');
  deps.events.container(pod, c.name, containerEvents.started(c));
  return postStart(deps, req, id, signal);
}

async function postStart(deps: StarterDeps, req: StartRequest, id: string, signal: AbortSignal): Promise<StartOutcome> {
  const { pod, container: c } = req;
  const hook = c.lifecycle?.postStart;
  if (!hook) return { created: true };
  const result = await runHook(hook, { pod, container: c, containerId: id, podIP: req.podIP }, deps.runtime, POST_START_TIMEOUT_MS, signal);
  if (result.ok) return { created: true };
  deps.log(`pod ${pod.metadata.namespace}/${pod.metadata.name}: ${result.message}`);
  deps.events.container(pod, c.name, containerEvents.failedPostStartHook());
  const details = await deps.runtime.inspectContainer(id, signal);
  if (details?.running) {
    const killDeps: KillDeps = { runtime: deps.runtime, events: deps.events, clock: deps.clock, log: deps.log };
    await killContainer(killDeps, { id, stopSignal: details.stopSignal, pod, container: c, podIP: req.podIP }, { graceSeconds: gracePeriodSeconds(pod), message: 'FailedPostStartHook' }, signal);
  }
  return { created: true, waiting: { reason: 'PostStartHookError', message: result.message } };
}
