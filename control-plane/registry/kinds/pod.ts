/**
 * Pods (pkg/registry/core/pod/strategy.go): created Pending with their QoS class and nothing
 * else in status; the spec is immutable but for the few fields validatePodUpdate allows;
 * status is the node's to write through `…/status`. Deletion is graceful only for a pod on a
 * node that may still run it: it keeps a deletionTimestamp until its node reports it stopped
 * (and deletes it with grace 0); an unscheduled or finished pod goes at once.
 */
import type { Pod } from '../../../api/core-v1';
import type { KubeObject } from '../../../api/meta';
import { qosClassOf } from '../../../api/qos';
import { DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS, defaultPod } from '../../../api/defaults/pod-defaults';
import { validateObjectMetaUpdate } from '../../../api/validation/object-meta';
import { defaultStrategy, replaceContents, SPEC_STATUS_FIELDS } from '../default-strategy';
import type { ResourceStrategy } from '../strategy';

function prepareForCreate(obj: KubeObject): void {
  const pod = replaceContents(obj, defaultPod(obj as Pod));
  pod.status = { phase: 'Pending', qosClass: qosClassOf(pod) };
}

function prepareForUpdate(obj: KubeObject, old: KubeObject): void {
  const pod = replaceContents(obj, defaultPod(obj as Pod));
  if (old.status === undefined) delete pod.status;
  else pod.status = structuredClone((old as Pod).status);
}

/**
 * The node writes status, never spec; old kubelets corrupted ownerReferences through this
 * endpoint, so Kubernetes keeps them too: the result is the stored pod with the new status.
 */
function prepareForStatusUpdate(obj: KubeObject, old: KubeObject): KubeObject {
  return { ...structuredClone(old), status: (obj as Pod).status };
}

function deletionGracePeriod(obj: KubeObject, requested: number | undefined): number {
  const pod = obj as Pod;
  if (requested === 0 || !pod.spec?.nodeName) return 0;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return 0;
  return requested ?? pod.spec.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
}

export const podStrategy: ResourceStrategy = {
  ...defaultStrategy({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true }),
  returnDeletedObject: true,
  prepareForCreate,
  prepareForUpdate,
  prepareForStatusUpdate,
  validateStatusUpdate: (obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
  deletionGracePeriod,
};
