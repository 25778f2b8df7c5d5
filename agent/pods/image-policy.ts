/**
 * Image pull policy decisions, as the kubelet makes them.
 * https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
 */
import type { Container } from '../../api/core-v1';

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** The tag of a reference, if any (a registry port is not a tag). */
function tagOf(image: string): string | undefined {
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastPart.indexOf(':');
  return colon >= 0 ? lastPart.slice(colon + 1) : undefined;
}

/** Adds `:latest` to a reference with neither tag nor digest (Docker would pull every tag). */
export function normalizeImageRef(image: string): string {
  if (image.includes('@') || tagOf(image) !== undefined) return image;
  return `${image}:latest`;
}

/** The API default when `imagePullPolicy` is unset: Always for `:latest` or untagged images. */
export function effectivePullPolicy(container: Pick<Container, 'image' | 'imagePullPolicy'>): PullPolicy {
  if (container.imagePullPolicy) return container.imagePullPolicy;
  const image = container.image ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const tag = tagOf(image);
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export type PullDecision =
  | { action: 'use-local' }
  | { action: 'pull' }
  | { action: 'fail'; reason: 'ErrImageNeverPull'; message: string };

/** What to do for one container start, given whether the image is present on the node. */
export function decidePull(policy: PullPolicy, present: boolean, image: string): PullDecision {
  if (policy === 'Always') return { action: 'pull' };
  if (present) return { action: 'use-local' };
  if (policy === 'IfNotPresent') return { action: 'pull' };
  return { action: 'fail', reason: 'ErrImageNeverPull', message: `Container image "${image}" is not present with pull policy of Never` };
}
