/**
 * The example pods of the Kubernetes task page "Configure Liveness, Readiness and Startup
 * Probes", run on a one-node simulated cluster and watched through the real kubectl: the same
 * READY / STATUS / RESTARTS columns and the same `kubectl describe` events as the page shows.
 *
 * Adapted only where this cluster differs: the image is the busybox test image (its httpd
 * stands in for agnhost and goproxy, so a missing health file answers 404 instead of the
 * page's 500), and every delay and period is shortened so the file runs in about a minute.
 * All pods are applied at once in `before` and run concurrently; each test waits on its own.
 */
import assert from 'node:assert/strict';
import { withTestCluster, type TestCluster } from '../support/cluster-fixture';
import { until } from '../../scripts/cluster/wait-until';
import { kubectlOk, podRows, waitPodRow, type PodRow } from '../support/kubectl-pods';

const BUSYBOX = 'image: pikube/busybox:latest\n    imagePullPolicy: IfNotPresent';

/** A one-container pod as the docs page writes them; a short grace period so kills are quick. */
function pod(name: string, container: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: { test: probes }
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - ${container}
`;
}

/** An httpd on 8080 serving /www, whose health file exists from the start. */
const HTTPD_WITH = (file: string, meanwhile = ''): string =>
  `["sh", "-c", "mkdir -p /www && echo ok > /www/${file}; ${meanwhile}exec httpd -f -p 8080 -h /www"]`;

const MANIFESTS = [
  // pods/probe/exec-liveness.yaml: the file goes after 8 s (page: 30 s); probes every 2 s (page: 5 s).
  pod('liveness-exec', `name: liveness
    ${BUSYBOX}
    args: ["/bin/sh", "-c", "touch /tmp/healthy; sleep 8; rm -f /tmp/healthy; sleep 600"]
    livenessProbe:
      exec:
        command: ["cat", "/tmp/healthy"]
      initialDelaySeconds: 2
      periodSeconds: 2`),
  // pods/probe/http-liveness.yaml: /healthz answers for 8 s (page: 10 s, then 500; here the file goes: 404).
  pod('liveness-http', `name: liveness
    ${BUSYBOX}
    command: ${HTTPD_WITH('healthz', '(sleep 8; rm /www/healthz) & ')}
    livenessProbe:
      httpGet:
        path: /healthz
        port: 8080
        httpHeaders:
        - name: Custom-Header
          value: Awesome
      initialDelaySeconds: 3
      periodSeconds: 3`),
  // pods/probe/tcp-liveness-readiness.yaml: goproxy's port 8080, here httpd's; page 15 s / 10 s, here 2 s / 2 s.
  pod('goproxy', `name: goproxy
    ${BUSYBOX}
    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
    ports:
    - containerPort: 8080
    readinessProbe:
      tcpSocket:
        port: 8080
      initialDelaySeconds: 2
      periodSeconds: 2
    livenessProbe:
      tcpSocket:
        port: 8080
      initialDelaySeconds: 2
      periodSeconds: 2`),
  // The same readiness probe against a container that never listens.
  pod('tcp-closed', `name: app
    ${BUSYBOX}
    command: ["sleep", "3600"]
    readinessProbe:
      tcpSocket:
        port: 8080
      periodSeconds: 2`),
  // "Define readiness probes": not ready while the probe fails, never restarted for it.
  pod('readiness-http', `name: app
    ${BUSYBOX}
    command: ${HTTPD_WITH('ready')}
    readinessProbe:
      httpGet:
        path: /ready
        port: 8080
      periodSeconds: 2
      failureThreshold: 2`),
  // "Protect slow starting containers with startup probes": the health endpoint appears after
  // 8 s; startup allows 15 × 2 s (page: 30 × 10 s); liveness alone would kill it at its first failure.
  pod('startup-slow', `name: app
    ${BUSYBOX}
    command: ["sh", "-c", "sleep 8; mkdir -p /www && echo ok > /www/healthz && exec httpd -f -p 8080 -h /www"]
    ports:
    - name: liveness-port
      containerPort: 8080
    livenessProbe:
      httpGet:
        path: /healthz
        port: liveness-port
      failureThreshold: 1
      periodSeconds: 2
    startupProbe:
      httpGet:
        path: /healthz
        port: liveness-port
      failureThreshold: 15
      periodSeconds: 2`),
  // The same slow app and liveness probe without the startup probe: killed before it is up.
  pod('slow-no-startup', `name: app
    ${BUSYBOX}
    command: ["sh", "-c", "sleep 8; mkdir -p /www && echo ok > /www/healthz && exec httpd -f -p 8080 -h /www"]
    livenessProbe:
      httpGet:
        path: /healthz
        port: 8080
      failureThreshold: 1
      periodSeconds: 2`),
  // A startup that never succeeds: the startup probe itself kills the container.
  pod('startup-never', `name: app
    ${BUSYBOX}
    command: ["sleep", "3600"]
    startupProbe:
      exec:
        command: ["cat", "/tmp/started"]
      failureThreshold: 3
      periodSeconds: 2`),
].join('---\n');



describe('probe examples from the Kubernetes docs through kubectl', function () {
  this.timeout(180_000);
  const cluster = withTestCluster({ nodes: ['pi1'] }, async () => {
    await kubectl(['apply', '-f', '-'], MANIFESTS);
  });
  const tc = (): TestCluster => cluster.get();
  const kubectl = (args: string[], input?: string): Promise<string> => kubectlOk(tc(), args, input);

  const waitRow = (name: string, ok: (r: PodRow) => boolean, timeoutMs?: number): Promise<PodRow> => waitPodRow(tc(), name, ok, timeoutMs);

  let described = '';
  /** Waits until `kubectl describe pod` matches every pattern; returns its output. */
  const waitDescribe = (name: string, patterns: RegExp[], timeoutMs = 90_000): Promise<string> =>
    until(async () => {
      described = await kubectl(['describe', 'pod', name]);
      return patterns.every((p) => p.test(described)) ? described : undefined;
    }, { timeoutMs, intervalMs: 1_000, describe: () => described });

  it('liveness-exec: restarts the container once cat /tmp/healthy fails, with the events the page shows', async () => {
    await waitRow('liveness-exec', (r) => r.ready === '1/1' && r.status === 'Running' && r.restarts === 0);
    await waitDescribe('liveness-exec', [
      /Warning\s+Unhealthy\s+.*kubelet\s+Liveness probe failed: cat: can't open '\/tmp\/healthy': No such file or directory/,
      /Normal\s+Killing\s+.*kubelet\s+Container liveness failed liveness probe, will be restarted/,
    ]);
    await waitRow('liveness-exec', (r) => r.restarts === 1 && r.status === 'Running');
  });

  it('liveness-http: restarts httpd once /healthz answers 404', async () => {
    // All pods start together in before(): by now this one may already have been restarted, so
    // its first healthy phase is not waited for; the events and the restart are what count.
    await waitDescribe('liveness-http', [
      /Warning\s+Unhealthy\s+.*kubelet\s+Liveness probe failed: HTTP probe failed with statuscode: 404/,
      /Normal\s+Killing\s+.*kubelet\s+Container liveness failed liveness probe, will be restarted/,
    ]);
    await waitRow('liveness-http', (r) => r.restarts >= 1);
  });

  it('tcp: goproxy with tcpSocket readiness and liveness on 8080 is 1/1 Running without restarts', async () => {
    await waitRow('goproxy', (r) => r.ready === '1/1' && r.status === 'Running');
    const out = await kubectl(['describe', 'pod', 'goproxy']);
    assert.match(out, /Readiness:\s+tcp-socket :8080 delay=2s timeout=1s period=2s #success=1 #failure=3/, out);
    assert.match(out, /Liveness:\s+tcp-socket :8080 delay=2s timeout=1s period=2s #success=1 #failure=3/, out);
    assert.doesNotMatch(out, /Unhealthy/, out);
    assert.equal((await podRows(tc())).get('goproxy')?.restarts, 0);
  });

  it('tcp: a pod whose port never opens stays 0/1 Running with connection refused', async () => {
    await waitDescribe('tcp-closed', [/Warning\s+Unhealthy\s+.*kubelet\s+Readiness probe failed: dial tcp [\d.]+:8080: connect: connection refused/]);
    const r = await waitRow('tcp-closed', (row) => row.status === 'Running');
    assert.deepEqual(r, { ready: '0/1', status: 'Running', restarts: 0 });
    const out = await kubectl(['describe', 'pod', 'tcp-closed']);
    assert.match(out, /^\s+Ready\s+False\s*$/m, out);
    assert.match(out, /^\s+ContainersReady\s+False\s*$/m, out);
  });

  it('readiness: READY goes 1/1 → 0/1 when the file goes and back when kubectl exec restores it, never restarting', async () => {
    await waitRow('readiness-http', (r) => r.ready === '1/1' && r.status === 'Running');
    await kubectl(['exec', 'readiness-http', '--', 'rm', '/www/ready']);
    const down = await waitRow('readiness-http', (r) => r.ready === '0/1', 30_000);
    assert.deepEqual(down, { ready: '0/1', status: 'Running', restarts: 0 });
    await waitDescribe('readiness-http', [/Warning\s+Unhealthy\s+.*kubelet\s+Readiness probe failed: HTTP probe failed with statuscode: 404/]);
    await kubectl(['exec', 'readiness-http', '--', 'sh', '-c', 'echo ok > /www/ready']);
    const up = await waitRow('readiness-http', (r) => r.ready === '1/1', 30_000);
    assert.deepEqual(up, { ready: '1/1', status: 'Running', restarts: 0 });
  });

  it('startup probe: a slow start is protected, the pod becomes Ready with 0 restarts', async () => {
    const r = await waitRow('startup-slow', (row) => row.ready === '1/1');
    assert.deepEqual(r, { ready: '1/1', status: 'Running', restarts: 0 });
    const out = await kubectl(['describe', 'pod', 'startup-slow']);
    // The startup probe did fail while the app was starting, and nothing was killed for it.
    assert.match(out, /Warning\s+Unhealthy\s+.*kubelet\s+Startup probe failed: /, out);
    assert.doesNotMatch(out, /Killing/, out);
    assert.match(out, /Startup:\s+http-get http:\/\/:liveness-port\/healthz delay=0s timeout=1s period=2s #success=1 #failure=15/, out);
  });

  it('startup probe: without it the same slow app is killed by its liveness probe', async () => {
    await waitDescribe('slow-no-startup', [
      /Warning\s+Unhealthy\s+.*kubelet\s+Liveness probe failed: /,
      /Normal\s+Killing\s+.*kubelet\s+Container app failed liveness probe, will be restarted/,
    ]);
    await waitRow('slow-no-startup', (r) => r.restarts >= 1);
  });

  it('startup probe: a startup that never succeeds is killed by the startup probe and restarted', async () => {
    await waitDescribe('startup-never', [
      /Warning\s+Unhealthy\s+.*kubelet\s+Startup probe failed: cat: can't open '\/tmp\/started': No such file or directory/,
      /Normal\s+Killing\s+.*kubelet\s+Container app failed startup probe, will be restarted/,
    ]);
    const r = await waitRow('startup-never', (row) => row.restarts >= 1);
    assert.equal(r.ready, '0/1');
  });
});
