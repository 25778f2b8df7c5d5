/**
 * What both endpoints controllers derive from a Service and the pods of its namespace
 * (Kubernetes' endpoints and endpointslice controllers, v1.32): the selected pods that have an
 * IP, whether each is ready, serving, terminating, and each service port resolved per pod (a
 * named targetPort is the container port of that name and protocol; a pod without it is left
 * out for that port). Pure: the controllers do the reading and writing.
 */
import type { Pod } from '../../api/core-v1';
import { matchesLabels, selectorFromSet } from '../../api/label-selector';
import type { Protocol, Service, ServicePort } from '../../api/service-v1';
import { isPodReady } from '../nodes/node-health';
import { readEach } from '../reader-guard';

export interface ResolvedPort {
  name: string;
  port: number;
  protocol: Protocol;
  appProtocol?: string;
}

export interface PodEndpoint {
  pod: Pod;
  ip: string;
  /** Ready for traffic: the service publishes not-ready addresses, or the pod is Ready and not terminating. */
  ready: boolean;
  /** The pod is Ready, terminating or not. */
  serving: boolean;
  terminating: boolean;
  /** The service's ports this pod serves, in the service's order. */
  ports: ResolvedPort[];
  /** The pod's DNS hostname under the service, set only when `shouldSetHostname` holds. */
  hostname?: string;
}

/** Whether the controllers manage this service's endpoints at all. */
export function hasManagedEndpoints(svc: Service): boolean {
  return Boolean(svc.spec?.selector && Object.keys(svc.spec.selector).length > 0) && svc.spec.type !== 'ExternalName';
}

export function selectsPod(svc: Service, pod: Pod): boolean {
  if (!hasManagedEndpoints(svc) || pod.metadata.namespace !== svc.metadata.namespace) return false;
  return matchesLabels(selectorFromSet(svc.spec.selector), pod.metadata.labels ?? {});
}

/** The port a service port reaches on a pod; undefined when a named targetPort is not there. */
export function resolveTargetPort(port: ServicePort, pod: Pod): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  const protocol = port.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    const found = (c.ports ?? []).find((p) => p.name === target && (p.protocol ?? 'TCP') === protocol);
    if (found) return found.containerPort;
  }
  return undefined;
}

function podIp(pod: Pod): string | undefined {
  return pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || undefined;
}

/** ShouldPodBeInEndpoints: finished pods that will not run again are out. */
function podMayServe(pod: Pod): boolean {
  const phase = pod.status?.phase;
  if (pod.spec?.restartPolicy === 'Never') return phase !== 'Failed' && phase !== 'Succeeded';
  if (pod.spec?.restartPolicy === 'OnFailure') return phase !== 'Succeeded';
  return true;
}

function resolvePorts(svc: Service, pod: Pod): ResolvedPort[] {
  return (svc.spec.ports ?? []).flatMap((p) => {
    const port = resolveTargetPort(p, pod);
    if (port === undefined) return [];
    const resolved: ResolvedPort = { name: p.name ?? '', port, protocol: p.protocol ?? 'TCP' };
    if (p.appProtocol) resolved.appProtocol = p.appProtocol;
    return [resolved];
  });
}

/**
 * Whether an endpoint for `pod` carries the pod's hostname, which cluster DNS publishes as
 * `<hostname>.<service>.<namespace>.svc`: the pod has `spec.hostname` and its `spec.subdomain` is
 * this service, in the same namespace (ShouldSetHostname, k8s.io/endpointslice/util, which both
 * Kubernetes endpoints controllers apply to every address, ready or not).
 */
export function shouldSetHostname(pod: Pod, svc: Service): boolean {
  const hostname = pod.spec?.hostname ?? '';
  return hostname.length > 0 && pod.spec?.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace;
}

function podEndpoint(svc: Service, pod: Pod): PodEndpoint {
  // podToEndpoint: serving is the pod's readiness; ready never holds for a terminating pod
  // unless the service publishes not-ready addresses.
  const terminating = Boolean(pod.metadata.deletionTimestamp);
  const serving = isPodReady(pod);
  const ready = svc.spec.publishNotReadyAddresses === true || (serving && !terminating);
  const out: PodEndpoint = { pod, ip: podIp(pod) ?? '', ready, serving, terminating, ports: resolvePorts(svc, pod) };
  if (shouldSetHostname(pod, svc)) out.hostname = pod.spec?.hostname;
  return out;
}

/** The service's endpoints: selected pods with an IP, sorted by pod name for stable output. */
export function podEndpoints(svc: Service, pods: readonly Pod[], skipped?: (pod: Pod, err: unknown) => void): PodEndpoint[] {
  const serving = (pod: Pod): PodEndpoint | undefined => (selectsPod(svc, pod) && podIp(pod) !== undefined && podMayServe(pod) ? podEndpoint(svc, pod) : undefined);
  // A malformed pod is left out (and reported): the service's other pods still serve.
  return readEach(pods, serving, skipped ?? (() => undefined))
    .sort((a, b) => ((a.pod.metadata.name ?? '') < (b.pod.metadata.name ?? '') ? -1 : 1));
}

/** A pod's reference as endpoints carry it. */
export function podReference(pod: Pod): { kind: 'Pod'; namespace: string; name: string; uid?: string } {
  return { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid };
}
