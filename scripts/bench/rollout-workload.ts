/**
 * The workload both sides of the rollout benchmark run: N busybox httpd replicas of the
 * side-loaded test image, each ready once `GET /index.html` on 8080 answers (checked every
 * second), 1 s to stop, small requests; rolled from one tag of the image to a second tag of
 * the same image (a changed spec, nothing to pull). Here as a Kubernetes object; the Swarm
 * side's flags are in swarm-service.ts.
 */
import type { NodeState } from '../cluster/cluster-state';
import { dockerClient } from '../cluster/cluster-node';
import { TEST_IMAGE } from '../cluster/test-image';

export const IMAGE_V1 = TEST_IMAGE;
export const IMAGE_V2 = 'pikube/busybox:rollout-v2';
export const HTTP_PORT = 8080;
export const READY_PATH = '/index.html';
export const PROBE_PERIOD_SECONDS = 1;
export const STOP_GRACE_SECONDS = 1;
export const COMMAND = ['httpd', '-f', '-p', String(HTTP_PORT), '-h', '/www'];
export const CONTAINER_NAME = 'web';
export const BENCH_LABEL = 'bench';
export const BENCH_LABEL_VALUE = 'rollout';

export type PikubeWorkload = 'deployment' | 'replicaset';

/** Tags the test image a second time in every node's dockerd, so that a rollout changes the image without a pull. */
export async function tagSecondImage(nodes: readonly NodeState[]): Promise<void> {
  const [repo, tag] = IMAGE_V2.split(':');
  await Promise.all(nodes.map((n) => dockerClient(n).getImage(IMAGE_V1).tag({ repo, tag })));
}

/** The labels of the workload object and of its pods: `app` selects them, `bench` marks them as the benchmark's. */
export function workloadLabels(name: string): Record<string, string> {
  return { app: name, [BENCH_LABEL]: BENCH_LABEL_VALUE };
}

function podTemplate(name: string, image: string): object {
  return {
    metadata: { labels: workloadLabels(name) },
    spec: {
      terminationGracePeriodSeconds: STOP_GRACE_SECONDS,
      containers: [{
        name: CONTAINER_NAME, image, imagePullPolicy: 'IfNotPresent', command: COMMAND, ports: [{ containerPort: HTTP_PORT }],
        readinessProbe: { httpGet: { path: READY_PATH, port: HTTP_PORT }, periodSeconds: PROBE_PERIOD_SECONDS },
        resources: { requests: { cpu: '10m', memory: '8Mi' }, limits: { memory: '32Mi' } },
      }],
    },
  };
}

/** A Deployment (RollingUpdate, maxSurge 1, maxUnavailable 0) or a bare ReplicaSet of `replicas` pods. */
export function workloadObject(kind: PikubeWorkload, name: string, replicas: number): object {
  const metadata = { name, labels: workloadLabels(name) };
  const spec = { replicas, selector: { matchLabels: { app: name } }, template: podTemplate(name, IMAGE_V1) };
  if (kind === 'replicaset') return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata, spec };
  const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec: { ...spec, strategy } };
}
