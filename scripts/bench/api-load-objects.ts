/**
 * The objects and requests of the API load benchmark. Its pods name a scheduler that does not
 * run (`spec.schedulerName`), so they stay Pending and no scheduler, agent or controller writes
 * to them: every request measured is the benchmark's own.
 */
export const LIST_NAMESPACE = 'bench-api-list';
export const MUTATE_NAMESPACE = 'bench-api-mutate';
export const NO_SCHEDULER = 'bench-no-scheduler';
export const BENCH_LABEL = 'pikube.dev/bench';

/** What kubectl get sends (client-go's Table negotiation), falling back to JSON. */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
export const JSON_ACCEPT = 'application/json';
export const MERGE_PATCH = 'application/merge-patch+json';

export function benchNamespace(name: string): object {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [BENCH_LABEL]: 'api-load' } } };
}

/** A pod shaped like a small Deployment's: labels, one container with a port, env, requests and limits. */
export function benchPod(name: string): object {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, labels: { app: 'api-load', [BENCH_LABEL]: 'api-load', 'pod-template-hash': '7c5d8f9b6' } },
    spec: {
      schedulerName: NO_SCHEDULER, terminationGracePeriodSeconds: 1,
      containers: [{
        name: 'web', image: 'pikube/busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['httpd', '-f', '-p', '8080'],
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        env: [{ name: 'MODE', value: 'bench' }, { name: 'LOG_LEVEL', value: 'info' }],
        resources: { requests: { cpu: '10m', memory: '8Mi' }, limits: { memory: '32Mi' } },
      }],
    },
  };
}

export function podsPath(namespace: string, name?: string): string {
  return `/api/v1/namespaces/${namespace}/pods${name === undefined ? '' : `/${name}`}`;
}

export function listPodName(i: number): string {
  return `list-${String(i).padStart(5, '0')}`;
}
