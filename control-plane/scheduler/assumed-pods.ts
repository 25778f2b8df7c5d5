/**
 * Pods this scheduler has bound (or is binding) but its informer does not show bound yet, each
 * "assumed" on its node so the next decision counts it and a burst of pods is not packed onto
 * one node from a stale cache (kube-scheduler's assume cache). Built on the framework's
 * expectations: an assumption ends when the informer shows the pod bound or gone, when its
 * binding fails (`forget`), or after the expectations' timeout.
 */
import type { KubeObject } from '../../api/meta';
import type { Pod } from '../../api/core-v1';
import type { Expectations } from '../controllers/framework/expectations';
import { cacheKey } from '../store/informer';

export class AssumedPods {
  private readonly assumed = new Map<string, Pod>();

  /** `expectations` must report released keys to `release`. */
  constructor(private readonly expectations: Expectations<Pod>) {}

  assume(pod: Pod, nodeName: string): void {
    const key = cacheKey(pod);
    this.assumed.set(key, { ...pod, spec: { ...pod.spec, nodeName } });
    const bound = (current: KubeObject | undefined, deleted: boolean): boolean => deleted || Boolean((current as Pod | undefined)?.spec?.nodeName);
    this.expectations.expect(key, { objectKey: key, uid: pod.metadata.uid ?? '', seen: bound });
  }

  isAssumed(key: string): boolean {
    return this.assumed.has(key);
  }

  /** The binding failed: the pod is pending again. */
  forget(key: string): void {
    this.expectations.forget(key);
    this.release(key);
  }

  /** The informer shows what was assumed (or the assumption expired). */
  release(key: string): void {
    this.assumed.delete(key);
  }

  /** The assumed pods on `nodeName` that `bound` (the informer's pods on it) does not hold yet. */
  on(nodeName: string, bound: readonly Pod[]): Pod[] {
    const uids = new Set(bound.map((p) => p.metadata.uid));
    return [...this.assumed.values()].filter((p) => p.spec.nodeName === nodeName && !uids.has(p.metadata.uid));
  }
}
