/**
 * The failover benchmark's workload: N busybox httpd replicas of the side-loaded test image
 * (each answers its pod's host name), ready once `GET /` on 8080 answers (checked every
 * second), 1 s to stop, behind a NodePort Service; as a Deployment (replaceable pods) or a
 * StatefulSet (pods that must not run twice: pikube fences and force-deletes them). No
 * toleration is set: the control plane's defaults are what is measured.
 */
export type FailoverKind = 'Deployment' | 'StatefulSet';

export const HTTP_PORT = 8080;
export const PROBE_PERIOD_SECONDS = 1;
export const STOP_GRACE_SECONDS = 1;
/** The httpd's document: the host name, so a response says which replica answered. */
export const SHELL = `mkdir -p /www && hostname > /www/index.html && exec httpd -f -p ${HTTP_PORT} -h /www`;

export function appLabel(name: string): string {
  return `failover-${name}`;
}

function podTemplate(name: string): object {
  return {
    metadata: { labels: { app: appLabel(name) } },
    spec: {
      terminationGracePeriodSeconds: STOP_GRACE_SECONDS,
      containers: [{
        name: 'web', image: 'pikube/busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', SHELL],
        ports: [{ containerPort: HTTP_PORT }],
        readinessProbe: { httpGet: { path: '/', port: HTTP_PORT }, periodSeconds: PROBE_PERIOD_SECONDS },
        resources: { requests: { cpu: '10m', memory: '8Mi' }, limits: { memory: '32Mi' } },
      }],
    },
  };
}

/** The workload object: a Deployment (RollingUpdate defaults) or a StatefulSet (OrderedReady, its Service as serviceName). */
export function workloadObject(kind: FailoverKind, name: string, replicas: number): object {
  const spec = { replicas, selector: { matchLabels: { app: appLabel(name) } }, template: podTemplate(name) };
  const extra = kind === 'StatefulSet' ? { serviceName: name } : {};
  return { apiVersion: 'apps/v1', kind, metadata: { name }, spec: { ...spec, ...extra } };
}

/** A NodePort Service in front of the workload's pods, on `nodePort` of every node. */
export function serviceObject(name: string, nodePort: number): object {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { name },
    spec: { type: 'NodePort', selector: { app: appLabel(name) }, ports: [{ port: 80, targetPort: HTTP_PORT, nodePort }] },
  };
}
