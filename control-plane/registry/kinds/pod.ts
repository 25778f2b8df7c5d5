/**
 * Pods (pkg/registry/core/pod/strategy.go): created Pending with their QoS class and nothing
 * else in status; the spec is immutable but for the few fields validatePodUpdate allows;
 * status is the node's to write through `…/status`. Deletion is graceful only for a pod on a
 * node that may still run it: it keeps a deletionTimestamp until its node reports it stopped
 * (and deletes it with grace 0); an unscheduled or finished pod goes at once.
 */
import type { Pod } from '../../../api/core-v1';
import { metadataFieldGetters, selectableFields } from '../../../api/field-selector';
import { qosClassOf } from '../../../api/qos';
import { DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS, defaultPod, defaultPodInPlace } from '../../../api/defaults/pod-defaults';
import { validateObjectMetaUpdate } from '../../../api/validation/object-meta';
import { validatePodCreate } from '../../../api/validation/pod-validation';
import { validatePodUpdate } from '../../../api/validation/pod-update-validation';
import { podPrinter } from '../../apiserver/tables/pod-printer';
import { defaultStrategy, replaceContents, SPEC_STATUS_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy, StrategyContext } from '../strategy';
import { STATUS } from '../subresource';
import { podBinding } from './binding';
import { podEviction } from './eviction';
import { admitPodServiceAccount } from '../service-account-admission';
import { admitPodLimitDefaults, validatePodLimits } from '../limit-range-admission';
import { validatePodImages, validatePodImageUpdate } from '../image-policy-admission';

/** The registry hands a create its own copy of the body (createDecoded), defaulted where it is. */
function prepareForCreate(obj: Pod, ctx: StrategyContext): void {
  const pod = defaultPodInPlace(obj, ctx.defaultTolerationSeconds);
  pod.status = { phase: 'Pending', qosClass: qosClassOf(pod) };
}

function prepareForUpdate(obj: Pod, old: Pod, ctx?: StrategyContext): void {
  const pod = replaceContents(obj, defaultPod(obj, ctx?.defaultTolerationSeconds));
  if (old.status === undefined) delete pod.status;
  else pod.status = structuredClone(old.status);
}

/**
 * The node writes status, never spec; old kubelets corrupted ownerReferences through this
 * endpoint, so Kubernetes keeps them too: the result is the stored pod with the new status.
 */
function prepareForStatusUpdate(obj: Pod, old: Pod): Pod {
  return { ...structuredClone(old), status: obj.status };
}

function deletionGracePeriod(pod: Pod, requested: number | undefined): number {
  if (requested === 0 || !pod.spec?.nodeName) return 0;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return 0;
  return requested ?? pod.spec.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
}

export const podStrategy: ResourceStrategy<Pod> = {
  ...defaultStrategy<Pod>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true }),
  returnDeletedObject: true,
  prepareForCreate,
  validate: (pod) => validatePodCreate(pod),
  prepareForUpdate,
  validateUpdate: (pod, old) => validatePodUpdate(pod, old),
  prepareForStatusUpdate,
  validateStatusUpdate: (pod, old) => validateObjectMetaUpdate(pod.metadata, old.metadata),
  deletionGracePeriod,
};

function podIP(pod: Pod): string {
  return pod.status?.podIP || pod.status?.podIPs?.[0]?.ip || '';
}

/** pkg/registry/core/pod PodToSelectableFields, and the labels of its field-label conversion. */
const podFields = selectableFields<Pod>({
  ...metadataFieldGetters(true),
  'spec.nodeName': (p) => p.spec?.nodeName ?? '',
  'spec.restartPolicy': (p) => p.spec?.restartPolicy ?? '',
  'spec.schedulerName': (p) => p.spec?.schedulerName ?? '',
  'spec.serviceAccountName': (p) => p.spec?.serviceAccountName ?? '',
  'spec.hostNetwork': (p) => String(p.spec?.hostNetwork === true),
  'status.phase': (p) => p.status?.phase ?? '',
  'status.podIP': podIP,
  // Accepted by Kubernetes but never set in the field set: it always reads as "".
  'status.podIPs': () => '',
  'status.nominatedNodeName': (p) => p.status?.nominatedNodeName ?? '',
}, { 'spec.host': 'spec.nodeName' });

export const PODS = defineKind<Pod>({
  group: '', version: 'v1', resource: 'pods', singularName: 'pod', kind: 'Pod', listKind: 'PodList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['po'], categories: ['all'],
  strategy: podStrategy,
  printer: podPrinter,
  fields: podFields,
  // Mutating admission in Kubernetes' order: LimitRanger's defaults, then ServiceAccount (the
  // account must exist; its token is mounted in every container).
  admitCreate: async (pod, ctx) => {
    await admitPodLimitDefaults(pod, ctx);
    await admitPodServiceAccount(pod, ctx);
  },
  // Validating admission in Kubernetes' order: LimitRanger's bounds on the pod about to be
  // stored, then the image policy (where ImagePolicyWebhook runs).
  validateCreate: async (pod, ctx) => {
    await validatePodLimits(pod, ctx);
    await validatePodImages(pod, ctx);
  },
  validateUpdate: validatePodImageUpdate,
  subresources: {
    status: STATUS,
    binding: podBinding,
    // A deletion that asks the pod's PodDisruptionBudget first (kubectl drain).
    eviction: podEviction,
    // Streams to a container through its node, as Kubernetes lists them in discovery.
    log: { type: 'connect', connect: 'log', kind: 'Pod', verbs: ['get'] },
    exec: { type: 'connect', connect: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
    attach: { type: 'connect', connect: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
    portforward: { type: 'connect', connect: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
    proxy: { type: 'connect', connect: 'proxy', kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
  },
});
