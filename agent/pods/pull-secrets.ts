/**
 * The Secrets named in a pod's `spec.imagePullSecrets`, as the kubelet's getPullSecretsForPod
 * reads them: those on the node (the object feed delivers exactly the ones this node's pods
 * name) in spec order, and the names that could not be read, which the kubelet reports with a
 * FailedToRetrieveImagePullSecret warning and then pulls anyway (the pull may still succeed).
 */
import type { Secret } from '../../api/config-v1';
import type { Pod } from '../../api/core-v1';
import type { ConfigSource } from '../config-objects';
import type { EventSpec } from './pod-event-log';

export interface PodPullSecrets {
  secrets: Secret[];
  missing: string[];
}

export function podPullSecrets(pod: Pod, config: ConfigSource | undefined): PodPullSecrets {
  const namespace = pod.metadata.namespace ?? 'default';
  const result: PodPullSecrets = { secrets: [], missing: [] };
  for (const ref of pod.spec.imagePullSecrets ?? []) {
    if (!ref.name) continue;
    const secret = config?.secret(namespace, ref.name);
    if (secret) result.secrets.push(secret);
    else result.missing.push(ref.name);
  }
  return result;
}

/** The kubelet's warning for pull secrets it could not read (kubelet_pods.go). */
export function failedToRetrievePullSecrets(missing: string[]): EventSpec {
  return {
    type: 'Warning', reason: 'FailedToRetrieveImagePullSecret',
    message: `Unable to retrieve some image pull secrets (${missing.join(', ')}); attempting to pull the image may not succeed.`,
  };
}
