/** Test builder for defaulted pods: aPod().withContainer(...).build(). */
import type { Container, Pod, PodSpec } from '../../../../api/core-v1';
import { defaultPod } from '../../../../api/defaults/pod-defaults';

export class PodBuilder {
  private readonly pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', resourceVersion: '1', uid: 'uid-web' },
    spec: { containers: [{ name: 'web', image: 'busybox:1.36' }] },
  };

  withContainer(patch: Partial<Container>, i = 0): this {
    this.pod.spec.containers[i] = { ...(this.pod.spec.containers[i] ?? { name: `c${i}`, image: 'busybox:1.36' }), ...patch };
    return this;
  }

  withSpec(patch: Partial<PodSpec>): this {
    Object.assign(this.pod.spec, patch);
    return this;
  }

  withMeta(patch: Partial<Pod['metadata']>): this {
    Object.assign(this.pod.metadata, patch);
    return this;
  }

  /** The pod as the API server sees it: defaulted. */
  build(): Pod {
    return defaultPod(this.pod);
  }

  raw(): Pod {
    return structuredClone(this.pod);
  }
}

export const aPod = (): PodBuilder => new PodBuilder();

export const brief = (causes: { field?: string; reason?: string; message?: string }[]): string[] =>
  causes.map((c) => `${c.field} ${c.reason} ${c.message}`);
