/**
 * Binding a pod to a node (`POST …/pods/{name}/binding`, `POST …/bindings`), as Kubernetes'
 * BindingREST: spec.nodeName is set once, by the scheduler; a pod already bound or being
 * deleted is a 409 Conflict on `pods/binding`. The pod gets the PodScheduled condition and the
 * binding's annotations. A Binding is never stored: `POST …/bindings` is the older form of
 * the pod's `binding` subresource.
 */
import { ApiError, invalid } from '../../../api/errors';
import type { Binding, Pod, PodCondition } from '../../../api/core-v1';
import type { StatusCause } from '../../../api/meta';
import { notSupported, required } from '../../../api/validation/field-errors';
import { defaultStrategy } from '../default-strategy';
import { timestamp } from '../object-meta';
import { defineKind } from '../resource-definition';
import type { ParentWriteSubresource } from '../subresource';

function bindingConflict(name: string, detail: string): ApiError {
  return new ApiError('Conflict', `Operation cannot be fulfilled on pods/binding "${name}": ${detail}`, { kind: 'pods/binding', name });
}

/** ValidatePodBinding: a node target with a name. */
export function validateBinding(binding: Binding): void {
  const causes: StatusCause[] = [];
  const target = binding.target ?? {};
  if (target.kind !== undefined && target.kind !== '' && target.kind !== 'Node') causes.push(notSupported('target.kind', target.kind, ['Node', '<empty>']));
  if (!target.name) causes.push(required('target.name', ''));
  if (!binding.metadata.name) causes.push(required('metadata.name', 'name or generateName is required'));
  if (causes.length > 0) throw invalid('Binding', binding.metadata.name ?? '', causes);
}

/** The pod as bound; throws Conflict when it may not be bound. `pod` is a private copy. */
export function assignPod(pod: Pod, binding: Binding, now: Date): Pod {
  const name = pod.metadata.name ?? '';
  if (binding.metadata.uid && binding.metadata.uid !== pod.metadata.uid) {
    throw bindingConflict(name, `Precondition failed: UID in precondition: ${binding.metadata.uid}, UID in object meta: ${pod.metadata.uid ?? ''}`);
  }
  if (pod.metadata.deletionTimestamp) throw bindingConflict(name, `pod ${name} is being deleted, cannot be assigned to a host`);
  if (pod.spec.nodeName) throw bindingConflict(name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
  pod.spec.nodeName = binding.target.name;
  if (binding.metadata.annotations) pod.metadata.annotations = { ...pod.metadata.annotations, ...binding.metadata.annotations };
  pod.status = { ...pod.status, conditions: withScheduled(pod.status?.conditions ?? [], now) };
  return pod;
}

function withScheduled(conditions: PodCondition[], now: Date): PodCondition[] {
  const scheduled: PodCondition = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(now) };
  const existing = conditions.find((c) => c.type === 'PodScheduled');
  if (existing?.status === 'True') return conditions;
  return [...conditions.filter((c) => c.type !== 'PodScheduled'), scheduled];
}

/** Top-level fields of a Binding, for field validation. */
export const BINDING_FIELDS = ['apiVersion', 'kind', 'metadata', 'target'] as const;

/** `POST /api/v1/namespaces/{ns}/bindings`: the older form of `pods/{name}/binding`. */
export const BINDINGS = defineKind<Binding>({
  group: '', version: 'v1', resource: 'bindings', singularName: 'binding', kind: 'Binding', listKind: 'BindingList', namespaced: true,
  verbs: ['create'],
  strategy: defaultStrategy<Binding>({ topLevelFields: BINDING_FIELDS, hasStatus: false }),
  createsThrough: { resource: 'pods', subresource: 'binding' },
});

/** The pod's `binding` subresource: the scheduler's one write. */
export const podBinding: ParentWriteSubresource<Pod, Binding> = {
  type: 'write',
  kind: 'Binding',
  verbs: ['create'],
  body: BINDINGS,
  answersStatus: true,
  finishesDeletion: false,
  validateBody: validateBinding,
  apply: (pod, binding, ctx) => assignPod(pod, binding, ctx.now),
};
