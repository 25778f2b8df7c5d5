/**
 * What the API server fills into a pod it accepts, as Kubernetes does: SetDefaults_* of
 * pkg/apis/core/v1/defaults.go (applied on every decode), the Priority admission plugin
 * (priority 0, preemptionPolicy PreemptLowerPriority when no PriorityClass applies) and the
 * DefaultTolerationSeconds admission plugin (not-ready / unreachable NoExecute; Kubernetes
 * tolerates them 300 s, pikube 2 s by default: docs/design-notes.md, "Failover").
 * Never overwrites a value the user set. Resource quantities are rounded up to milli
 * precision and written back the way Kubernetes serializes them ("0.5" → "500m").
 *
 * Apply on create and on update: Kubernetes defaults every request body it decodes.
 */
import type { Container, Pod, PodSpec, PodTemplateSpec, Probe, Toleration, Volume } from '../core-v1';
import { parseImageReference } from '../image-reference';
import { normalizeResourceList } from './resource-list-defaults';

export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
/**
 * pikube's default tolerationSeconds for the not-ready NoExecute taint
 * (kube-apiserver's --default-not-ready-toleration-seconds, 300 there): the node's agent speaks
 * but its container runtime does not answer; 2 s more spare a restart when Docker comes back at once.
 */
export const DEFAULT_TOLERATION_SECONDS = 2;
/**
 * The same for the unreachable taint (--default-unreachable-toleration-seconds, 300 there): 0,
 * replaced as soon as the node is unreachable, which takes the whole grace period (5 s) while its
 * host still answers on the LAN (an agent stalled or restarting) and the short wait (1.2 s) once
 * the host answers nothing (unplugged, powered off: host-checked-reachability.ts) — issue 12's
 * seconds. The taint also waits for the cluster's disruption state (a control plane cut off from
 * every node evicts nothing) and never counts the control plane's own stalls; a pod that would
 * rather wait out a link flap sets its own tolerationSeconds.
 */
export const DEFAULT_UNREACHABLE_TOLERATION_SECONDS = 0;

/** The DefaultTolerationSeconds admission's two settings (control-plane flags). */
export interface DefaultTolerationSeconds {
  notReady: number;
  unreachable: number;
}

export const DEFAULT_TOLERATIONS: DefaultTolerationSeconds = Object.freeze({ notReady: DEFAULT_TOLERATION_SECONDS, unreachable: DEFAULT_UNREACHABLE_TOLERATION_SECONDS });
export const TERMINATION_MESSAGE_PATH_DEFAULT = '/dev/termination-log';
const VOLUME_DEFAULT_MODE = 0o644;

/** Priorities of the built-in PriorityClasses. Other class names are left to the caller. */
export const SYSTEM_PRIORITY_CLASSES: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

/** Returns a defaulted copy; the input is not changed. `tolerationSeconds`: the DefaultTolerationSeconds admission's settings. */
export function defaultPod(pod: Pod, tolerationSeconds: DefaultTolerationSeconds = DEFAULT_TOLERATIONS): Pod {
  return defaultPodInPlace(structuredClone(pod), tolerationSeconds);
}

/** defaultPod on the pod itself, for a caller whose copy is private (the registry's strategy); returns it. */
export function defaultPodInPlace(out: Pod, tolerationSeconds: DefaultTolerationSeconds = DEFAULT_TOLERATIONS): Pod {
  out.spec = out.spec ?? ({ containers: [] } as PodSpec);
  defaultPodOnlyFields(out.spec);
  defaultPodSpecFields(out.spec);
  defaultPriority(out.spec);
  out.spec.tolerations = withDefaultTolerations(out.spec.tolerations ?? [], tolerationSeconds);
  return out;
}

/**
 * Defaults of a pod template inside a workload (Deployment, Job, ...): what defaulting does to
 * every v1.PodSpec, but not SetDefaults_Pod's pod-only fields (enableServiceLinks, requests from
 * limits, host-network host ports) nor the admission plugins (priority, default tolerations),
 * which only ever see the pods created from the template. Returns a defaulted copy.
 */
export function defaultPodTemplateSpec(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const out: PodTemplateSpec = structuredClone(template) ?? ({ spec: { containers: [] } } as PodTemplateSpec);
  out.spec = out.spec ?? ({ containers: [] } as PodSpec);
  defaultPodSpecFields(out.spec);
  return out;
}

/** SetDefaults_PodSpec and what the generated defaulters apply inside any PodSpec. */
function defaultPodSpecFields(spec: PodSpec): void {
  defaultPodSpec(spec);
  for (const c of allContainers(spec)) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

/** SetDefaults_Pod: fields only a Pod gets, never a template (pkg/apis/core/v1/defaults.go). */
function defaultPodOnlyFields(spec: PodSpec): void {
  spec.enableServiceLinks ??= true;
  for (const c of allContainers(spec)) {
    defaultRequestsFromLimits(c);
    if (spec.hostNetwork === true) for (const port of c.ports ?? []) if (!port.hostPort) port.hostPort = port.containerPort;
  }
}

function allContainers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

function defaultPodSpec(spec: PodSpec): void {
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  spec.schedulerName ||= DEFAULT_SCHEDULER_NAME;
  // v1 keeps the deprecated serviceAccount field in step with serviceAccountName.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
}

function defaultContainer(c: Container): void {
  c.imagePullPolicy ||= defaultPullPolicy(c.image ?? '');
  c.terminationMessagePath ||= TERMINATION_MESSAGE_PATH_DEFAULT;
  c.terminationMessagePolicy ||= 'File';
  for (const port of c.ports ?? []) port.protocol ||= 'TCP';
  for (const env of c.env ?? []) if (env.valueFrom?.fieldRef) env.valueFrom.fieldRef.apiVersion ||= 'v1';
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) if (probe) defaultProbe(probe);
  for (const hook of [c.lifecycle?.postStart, c.lifecycle?.preStop]) if (hook?.httpGet) defaultHTTPGet(hook.httpGet);
  defaultResources(c);
}

/** Always for `:latest` or an untagged, undigested image; IfNotPresent otherwise. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  return parseImageReference(image)?.tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: Probe): void {
  if (!probe.timeoutSeconds) probe.timeoutSeconds = 1;
  if (!probe.periodSeconds) probe.periodSeconds = 10;
  if (!probe.successThreshold) probe.successThreshold = 1;
  if (!probe.failureThreshold) probe.failureThreshold = 3;
  if (probe.httpGet) defaultHTTPGet(probe.httpGet);
}

function defaultHTTPGet(action: NonNullable<Probe['httpGet']>): void {
  if (!action.path) action.path = '/';
  if (!action.scheme) action.scheme = 'HTTP';
}

/** A limit without a request makes the request equal to the limit (pods only, not templates; the LimitRanger needs it first). */
export function defaultRequestsFromLimits(c: Container): void {
  if (!c.resources?.limits) return;
  const requests = (c.resources.requests ??= {});
  for (const [name, value] of Object.entries(c.resources.limits)) if (!Object.hasOwn(requests, name)) requests[name] = value;
}

/** SetDefaults_ResourceList: quantities rounded up to milli precision, in pods and templates alike. */
function defaultResources(c: Container): void {
  if (!c.resources) return;
  if (c.resources.limits) c.resources.limits = normalizeResourceList(c.resources.limits);
  if (c.resources.requests) c.resources.requests = normalizeResourceList(c.resources.requests);
}

const SOURCES_WITH_DEFAULT_MODE = ['secret', 'configMap', 'projected', 'downwardAPI'];

function defaultVolume(v: Volume): void {
  const sources = Object.keys(v).filter((k) => k !== 'name' && v[k] !== undefined && v[k] !== null);
  if (sources.length === 0) v.emptyDir = {};
  for (const kind of SOURCES_WITH_DEFAULT_MODE) {
    const source = v[kind] as { defaultMode?: number } | undefined;
    if (source && typeof source === 'object') source.defaultMode ??= VOLUME_DEFAULT_MODE;
  }
  if (v.hostPath) v.hostPath.type ??= '';
}

/** Priority admission when no PriorityClass object is involved. */
function defaultPriority(spec: PodSpec): void {
  const className = spec.priorityClassName ?? '';
  if (spec.priority === undefined) {
    if (className === '') spec.priority = 0;
    else if (Object.hasOwn(SYSTEM_PRIORITY_CLASSES, className)) spec.priority = SYSTEM_PRIORITY_CLASSES[className];
  }
  if (spec.priority !== undefined) spec.preemptionPolicy ||= 'PreemptLowerPriority';
}

const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';

/** DefaultTolerationSeconds: adds each default toleration unless one already covers it (a user's tolerationSeconds stays). */
export function withDefaultTolerations(tolerations: Toleration[], seconds: DefaultTolerationSeconds = DEFAULT_TOLERATIONS): Toleration[] {
  const covers = (key: string) => (t: Toleration): boolean => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect);
  const out = [...tolerations];
  const defaults: Array<[string, number]> = [[NOT_READY_TAINT, seconds.notReady], [UNREACHABLE_TAINT, seconds.unreachable]];
  for (const [key, tolerationSeconds] of defaults) {
    if (!tolerations.some(covers(key))) out.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds });
  }
  return out;
}
