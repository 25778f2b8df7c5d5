/**
 * The image policy's admission of pods (api/image-policy.ts), a validating plugin where
 * Kubernetes runs ImagePolicyWebhook: after the LimitRanger, before ResourceQuota; on a pod's
 * create and on every update (PUT, PATCH, apply, a subresource's write) that changes an image.
 * Like ImagePolicyWebhook it judges pods only: a Deployment's template is not checked, its
 * ReplicaSet's pod creates are refused and recorded as FailedCreate events. A refusal is 403
 * `pods "x" is forbidden: image policy: image "…" of container "c" is not from an allowed
 * registry (allowed: …)`.
 * https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#imagepolicywebhook
 */
import type { Container, Pod } from '../../api/core-v1';
import { ApiError } from '../../api/errors';
import { describeImagePolicy, judgeImage, type ImagePolicy } from '../../api/image-policy';
import type { AdmissionContext } from './resource-definition';

/** Every image of a new pod must be allowed. */
export async function validatePodImages(pod: Pod, ctx: AdmissionContext): Promise<void> {
  if (ctx.imagePolicy) checkContainers(ctx.imagePolicy, pod, podContainers(pod));
}

/**
 * The images an update brings must be allowed; those the pod had keep running (deviation:
 * ImagePolicyWebhook judges every image again, so a tighter policy would refuse even a
 * finalizer's removal from an older pod).
 */
export async function validatePodImageUpdate(pod: Pod, old: Pod, ctx: AdmissionContext): Promise<void> {
  if (!ctx.imagePolicy) return;
  const before = new Map(podContainers(old).map((c) => [c.name, c.image]));
  checkContainers(ctx.imagePolicy, pod, podContainers(pod).filter((c) => before.get(c.name) !== c.image));
}

/** ImagePolicyWebhook's order: containers, then init containers. */
function podContainers(pod: Pod): Container[] {
  return [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])];
}

function checkContainers(policy: ImagePolicy, pod: Pod, containers: readonly Container[]): void {
  for (const container of containers) {
    const verdict = judgeImage(policy, container.image ?? '');
    if (verdict.allowed) continue;
    const why = verdict.reason === 'InvalidReference' ? 'is not a valid image reference' : `is not from an allowed registry (allowed: ${describeImagePolicy(policy)})`;
    const name = pod.metadata.name ?? '';
    throw new ApiError('Forbidden', `pods "${name}" is forbidden: image policy: image "${verdict.image}" of container "${container.name}" ${why}`, { kind: 'pods', name });
  }
}
