/** Builds test pods: `aPod('web').withContainer({ name: 'app', image: 'img:1' }).deleted(2).build()`. */
import type { Container, Pod } from '../../../../api/core-v1';

export class PodBuilder {
  private readonly pod: Pod;

  constructor(name: string, uid: string) {
    this.pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid }, spec: { containers: [], nodeName: 'pi1' } };
  }

  withContainer(c: Partial<Container> & { name: string }): this {
    this.pod.spec.containers.push({ image: 'pikube/busybox:latest', imagePullPolicy: 'IfNotPresent', ...c });
    return this;
  }

  withRestartPolicy(policy: 'Always' | 'OnFailure' | 'Never'): this {
    this.pod.spec.restartPolicy = policy;
    return this;
  }

  withGrace(seconds: number): this {
    this.pod.spec.terminationGracePeriodSeconds = seconds;
    return this;
  }

  withNamespace(namespace: string): this {
    this.pod.metadata.namespace = namespace;
    return this;
  }

  deleted(graceSeconds: number): this {
    this.pod.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
    this.pod.metadata.deletionGracePeriodSeconds = graceSeconds;
    return this;
  }

  build(): Pod {
    return structuredClone(this.pod);
  }
}

let counter = 0;

export function aPod(name = 'web', uid = `0000-uid-${++counter}`): PodBuilder {
  return new PodBuilder(name, uid);
}
