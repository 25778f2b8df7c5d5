/**
 * The image step of a container start: applies the pull policy, pulls with per-image backoff,
 * and answers either the image to run or the waiting reason the kubelet would show
 * (ErrImageNeverPull, ErrImagePull with the runtime's error as its message, ImagePullBackOff
 * with the last error appended, as since v1.32). A pull uses the pod's image pull
 * secrets as kuberuntime's PullImage does: the credentials the keyring finds for the image's
 * repository are tried in turn until one pull succeeds (the errors of all, aggregated, when
 * none does); with none found the pull is anonymous.
 */
import type { Secret } from '../../api/config-v1';
import type { Container } from '../../api/core-v1';
import { ImagePullError, type ContainerRuntime, type ImageDetails } from '../runtime/container-runtime';
import type { Backoff } from '../../base/backoff';
import { DockerKeyring, repositoryOf } from './docker-keyring';
import { decidePull, effectivePullPolicy, normalizeImageRef } from './image-policy';

export interface EnsureOptions {
  /** Called as a pull starts (the kubelet's Pulling event). */
  onPulling?: () => void;
  /** The pod's image pull secrets that could be read, in `spec.imagePullSecrets` order. */
  pullSecrets?: readonly Secret[];
}

/** utilerrors.NewAggregate's text: one message alone, several (each once) in brackets. */
function aggregate(messages: string[]): string {
  const distinct = [...new Set(messages)];
  return distinct.length === 1 ? distinct[0] : `[${distinct.join(', ')}]`;
}

export type ImageResult =
  /** `pulledInMs` when it was pulled now (the Pulled event tells how long), absent when already present. */
  | { ok: true; image: ImageDetails; ref: string; pulledInMs?: number }
  | { ok: false; reason: 'ErrImageNeverPull' | 'ErrImagePull' | 'ImagePullBackOff' | 'InvalidImageName'; message: string; retryAtMs?: number };

/** Bounds the remembered pull errors (pods that are gone are forgotten anyway). */
const MAX_REMEMBERED_FAILURES = 256;

export class ImagePuller {
  /**
   * The last pull error by backoff key (the kubelet's prevPullErrMsg, v1.32): the
   * ImagePullBackOff message carries it, `Back-off pulling image "x": ErrImagePull: <error>`.
   */
  private readonly lastFailure = new Map<string, string>();

  /** `backoff` is shared by the pod's containers; keys are `<podUid>/<image>`. */
  constructor(private readonly runtime: ContainerRuntime, private readonly backoff: Backoff) {}

  async ensure(podUid: string, container: Container, signal: AbortSignal, opts: EnsureOptions = {}): Promise<ImageResult> {
    const image = container.image ?? '';
    if (!image.trim()) return { ok: false, reason: 'InvalidImageName', message: `Failed to apply default image tag "${image}": image is empty` };
    const ref = normalizeImageRef(image);
    const local = await this.runtime.inspectImage(ref, signal);
    const decision = decidePull(effectivePullPolicy(container), local !== undefined, image);
    if (decision.action === 'fail') return { ok: false, reason: decision.reason, message: decision.message };
    if (decision.action === 'use-local' && local) return { ok: true, image: local, ref };
    return this.pull(`${podUid}/${ref}`, image, ref, signal, opts);
  }

  private async pull(key: string, image: string, ref: string, signal: AbortSignal, opts: EnsureOptions): Promise<ImageResult> {
    const blockedUntil = this.backoff.blockedUntil(key);
    if (blockedUntil !== undefined) {
      const previous = this.lastFailure.get(key);
      return { ok: false, reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"${previous ? `: ErrImagePull: ${previous}` : ''}`, retryAtMs: blockedUntil };
    }
    this.lastFailure.delete(key);
    opts.onPulling?.();
    const startedAt = Date.now();
    try {
      await this.pullWithCredentials(ref, opts.pullSecrets ?? [], signal);
    } catch (err) {
      if (!(err instanceof ImagePullError)) throw err;
      this.backoff.next(key);
      this.remember(key, err.message);
      return { ok: false, reason: 'ErrImagePull', message: err.message, retryAtMs: this.backoff.blockedUntil(key) };
    }
    const pulled = await this.runtime.inspectImage(ref, signal);
    if (!pulled) return { ok: false, reason: 'ErrImagePull', message: 'image not present after pull' };
    this.backoff.reset(key);
    return { ok: true, image: pulled, ref, pulledInMs: Date.now() - startedAt };
  }

  /** Anonymous without matching credentials; else each set in turn until one pull succeeds. */
  private async pullWithCredentials(ref: string, secrets: readonly Secret[], signal: AbortSignal): Promise<void> {
    let creds;
    try {
      creds = new DockerKeyring(secrets).lookup(repositoryOf(ref));
    } catch (err) {
      throw new ImagePullError(err instanceof Error ? err.message : String(err));
    }
    if (creds.length === 0) return this.runtime.pullImage(ref, signal);
    const failures: string[] = [];
    for (const auth of creds) {
      try {
        return await this.runtime.pullImage(ref, signal, auth);
      } catch (err) {
        if (!(err instanceof ImagePullError)) throw err;
        failures.push(err.message);
      }
    }
    throw new ImagePullError(aggregate(failures));
  }

  /** Drops the backoff state of a pod that is gone. */
  forgetPod(podUid: string): void {
    this.backoff.forgetPrefix(`${podUid}/`);
    for (const key of [...this.lastFailure.keys()]) if (key.startsWith(`${podUid}/`)) this.lastFailure.delete(key);
  }

  private remember(key: string, message: string): void {
    this.lastFailure.set(key, message);
    if (this.lastFailure.size > MAX_REMEMBERED_FAILURES) this.lastFailure.delete(this.lastFailure.keys().next().value as string);
  }
}
