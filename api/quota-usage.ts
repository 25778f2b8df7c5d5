/**
 * What one object costs a ResourceQuota, as Kubernetes' quota evaluators measure it
 * (pkg/quota/v1/evaluator/core and generic): every object counts as `count/<resource>[.<group>]`
 * (configmaps, secrets and resourcequotas under their legacy names too); a pod not yet in a
 * terminal phase adds `pods` and its compute (`requests.cpu`, `cpu`, `limits.memory`...), its
 * total requests and limits; a Service adds `services`, `services.nodeports` and
 * `services.loadbalancers`; a claim `persistentvolumeclaims`, `requests.storage` and both per
 * storage class (`<class>.storageclass.storage.k8s.io/requests.storage`).
 */
import type { Container, PersistentVolumeClaim, Pod } from './core-v1';
import { podResourceTotals } from './pod-resource-totals';
import { Quantity } from './quantity';
import { addQuantities, quantitiesOf, type Quantities } from './resource-lists';
import type { Service } from './service-v1';

/** The kind of an object, as the quota names it: `{ resource: 'deployments', group: 'apps' }`. */
export interface QuotaSubject {
  resource: string;
  group: string;
}

const STORAGE_CLASS_SUFFIX = '.storageclass.storage.k8s.io/';
const LEGACY_COUNTS = new Set(['configmaps', 'secrets', 'resourcequotas', 'replicationcontrollers']);
const POD_RESOURCES = new Set([
  'pods', 'count/pods', 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
]);
const SERVICE_RESOURCES = new Set(['services', 'count/services', 'services.nodeports', 'services.loadbalancers']);
/** The quota resources that oblige every container to state them (the pod evaluator's validationSet). */
const MUST_SPECIFY = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

/** `count/pods`, `count/deployments.apps`. */
export function countResourceName(subject: QuotaSubject): string {
  return subject.group ? `count/${subject.resource}.${subject.group}` : `count/${subject.resource}`;
}

/** Whether the quota resource `name` is about objects of this kind (the evaluator's MatchingResources). */
export function quotaResourceMatches(subject: QuotaSubject, name: string): boolean {
  if (name === countResourceName(subject)) return true;
  if (subject.group !== '') return false;
  switch (subject.resource) {
    case 'pods': return POD_RESOURCES.has(name) || name.startsWith('hugepages-') || name.startsWith('requests.hugepages-') || isExtendedRequest(name);
    case 'services': return SERVICE_RESOURCES.has(name);
    case 'persistentvolumeclaims': return isClaimResource(name);
    default: return LEGACY_COUNTS.has(subject.resource) && name === subject.resource;
  }
}

function isExtendedRequest(name: string): boolean {
  return name.startsWith('requests.') && name.includes('/') && !name.includes('kubernetes.io/');
}

function isClaimResource(name: string): boolean {
  if (name === 'persistentvolumeclaims' || name === 'count/persistentvolumeclaims' || name === 'requests.storage') return true;
  const at = name.indexOf(STORAGE_CLASS_SUFFIX);
  return at > 0 && ['requests.storage', 'persistentvolumeclaims'].includes(name.slice(at + STORAGE_CLASS_SUFFIX.length));
}

/** What the object costs, before masking to a quota's resources. */
export function objectUsage(subject: QuotaSubject, obj: unknown): Quantities {
  const one = Quantity.fromValue(1);
  const usage: Quantities = new Map([[countResourceName(subject), one]]);
  if (subject.group !== '') return usage;
  if (subject.resource === 'pods') return addQuantities(usage, podUsage(obj as Pod));
  if (subject.resource === 'services') return addQuantities(usage, serviceUsage(obj as Service));
  if (subject.resource === 'persistentvolumeclaims') return addQuantities(usage, claimUsage(obj as PersistentVolumeClaim));
  if (LEGACY_COUNTS.has(subject.resource)) usage.set(subject.resource, one);
  return usage;
}

/** A pod in a terminal phase holds no compute (QuotaV1Pod); `count/pods` still counts it. */
export function podHoldsCompute(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

function podUsage(pod: Pod): Quantities {
  if (!podHoldsCompute(pod)) return new Map();
  return computeUsage(podResourceTotals(pod, 'requests', { overhead: true }), podResourceTotals(pod, 'limits', { overhead: true }));
}

/** podComputeUsageHelper: `pods` 1, and each request and limit under its quota names. */
function computeUsage(requests: Quantities, limits: Quantities): Quantities {
  const out: Quantities = new Map([['pods', Quantity.fromValue(1)]]);
  for (const name of ['cpu', 'memory', 'ephemeral-storage']) {
    const request = requests.get(name);
    const limit = limits.get(name);
    if (request) out.set(name, request).set(`requests.${name}`, request);
    if (limit) out.set(`limits.${name}`, limit);
  }
  for (const [name, request] of requests) {
    if (name.startsWith('hugepages-')) out.set(name, request).set(`requests.${name}`, request);
    else if (name.includes('/') && !name.includes('kubernetes.io/')) out.set(`requests.${name}`, request);
  }
  return out;
}

function serviceUsage(service: Service): Quantities {
  const out: Quantities = new Map([['services', Quantity.fromValue(1)]]);
  const ports = service.spec?.ports ?? [];
  if (service.spec?.type === 'NodePort') out.set('services.nodeports', Quantity.fromValue(ports.length));
  if (service.spec?.type === 'LoadBalancer') {
    const counted = service.spec.allocateLoadBalancerNodePorts === false ? ports.filter((p) => p.nodePort).length : ports.length;
    out.set('services.nodeports', Quantity.fromValue(counted)).set('services.loadbalancers', Quantity.fromValue(1));
  }
  return out;
}

function claimUsage(claim: PersistentVolumeClaim): Quantities {
  const out: Quantities = new Map([['persistentvolumeclaims', Quantity.fromValue(1)]]);
  const className = claim.spec?.storageClassName || claim.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] || '';
  if (className) out.set(`${className}${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`, Quantity.fromValue(1));
  const storage = quantitiesOf(claim.spec?.resources?.requests).get('storage');
  if (storage) {
    out.set('requests.storage', storage);
    if (className) out.set(`${className}${STORAGE_CLASS_SUFFIX}requests.storage`, storage);
  }
  return out;
}

/**
 * The pod evaluator's Constraints: a quota on cpu or memory obliges every container and init
 * container to state them. `must specify limits.cpu for: a,b; requests.memory for: a`, or
 * undefined when nothing is missing.
 */
export function missingComputeMessage(pod: Pod, restricted: Iterable<string>): string | undefined {
  const required = [...restricted].filter((name) => MUST_SPECIFY.has(name));
  const missing = new Map<string, Set<string>>();
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    const stated = containerComputeNames(c);
    for (const name of required) if (!stated.has(name)) missing.set(name, (missing.get(name) ?? new Set()).add(c.name));
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((name) => `${name} for: ${[...(missing.get(name) as Set<string>)].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

function containerComputeNames(c: Container): Set<string> {
  return new Set(computeUsage(quantitiesOf(c.resources?.requests), quantitiesOf(c.resources?.limits)).keys());
}
