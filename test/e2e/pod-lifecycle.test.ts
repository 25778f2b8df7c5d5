/**
 * The pod lifecycle as a kubectl user sees it on a one-node simulated cluster: STATUS shows
 * CrashLoopBackOff with growing RESTARTS, Init:1/2, Completed and OOMKilled; `kubectl
 * describe pod` lists the kubelet's events (Pulled, Created, Started, BackOff, OOMKilling,
 * FailedPostStartHook) from `kubelet`.
 */
import assert from 'node:assert/strict';
import { withTestCluster, type TestCluster } from '../support/cluster-fixture';
import { until } from '../../scripts/cluster/wait-until';
import { kubectlOk, waitPodRow, type PodRow } from '../support/kubectl-pods';

const BUSYBOX = 'image: pikube/busybox:latest\n      imagePullPolicy: IfNotPresent';

function pod(name: string, spec: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 1
${spec}`;
}

const MANIFESTS = [
  pod('crash', `  containers:
    - name: app
      ${BUSYBOX}
      command: ["sh", "-c", "echo crashing; exit 1"]
`),
  pod('twoinits', `  initContainers:
    - name: first
      ${BUSYBOX}
      command: ["true"]
    - name: second
      ${BUSYBOX}
      command: ["sleep", "3600"]
  containers:
    - name: app
      ${BUSYBOX}
      command: ["sleep", "3600"]
`),
  pod('done', `  restartPolicy: OnFailure
  containers:
    - name: app
      ${BUSYBOX}
      command: ["sh", "-c", "exit 0"]
`),
  pod('hog', `  restartPolicy: Never
  containers:
    - name: app
      ${BUSYBOX}
      command: ["sh", "-c", "x=$(head -c 67108864 /dev/zero | tr '\\\\0' a); sleep 100"]
      resources:
        limits: { memory: 16Mi }
`),
  pod('hook', `  restartPolicy: Never
  containers:
    - name: app
      ${BUSYBOX}
      command: ["sleep", "3600"]
      lifecycle:
        postStart:
          exec: { command: ["sh", "-c", "exit 2"] }
`),
].join('---\n');



describe('pod lifecycle through kubectl', function () {
  this.timeout(180_000);
  const cluster = withTestCluster({ nodes: ['pi1'] }, async () => {
    await kubectl(['apply', '-f', '-'], MANIFESTS);
  });
  const tc = (): TestCluster => cluster.get();
  const kubectl = (args: string[], input?: string): Promise<string> => kubectlOk(tc(), args, input);

  const waitRow = (name: string, ok: (r: PodRow) => boolean, timeoutMs?: number): Promise<PodRow> => waitPodRow(tc(), name, ok, timeoutMs);

  it('shows CrashLoopBackOff with growing RESTARTS for a container that keeps failing', async () => {
    const first = await waitRow('crash', (r) => r.status === 'CrashLoopBackOff' && r.restarts >= 1);
    await waitRow('crash', (r) => r.restarts > first.restarts, 40_000);
  });

  it('describes the crash-looping pod with the kubelet events', async () => {
    const out = await kubectl(['describe', 'pod', 'crash']);
    assert.match(out, /State:\s+Waiting\s+Reason:\s+CrashLoopBackOff/, out);
    assert.match(out, /Last State:\s+Terminated\s+Reason:\s+Error\s+Exit Code:\s+1/, out);
    for (const line of [
      /Normal\s+Pulled\s+.*kubelet\s+Container image "pikube\/busybox:latest" already present on machine/,
      /Normal\s+Created\s+.*kubelet\s+Created container app/,
      /Normal\s+Started\s+.*kubelet\s+Started container app/,
      /Warning\s+BackOff\s+.*kubelet\s+Back-off restarting failed container app in pod crash_default\(/,
    ]) assert.match(out, line, out);
  });

  it('shows Init:1/2 while the second init container runs', async () => {
    const r = await waitRow('twoinits', (row) => row.status === 'Init:1/2');
    assert.equal(r.ready, '0/1');
    const out = await kubectl(['describe', 'pod', 'twoinits']);
    assert.match(out, /Initialized\s+False/, out);
    assert.match(out, /Started\s+.*kubelet\s+Started container second/, out);
  });

  it('shows Completed for a pod that ran to completion', async () => {
    await waitRow('done', (r) => r.status === 'Completed' && r.restarts === 0);
    const phase = await kubectl(['get', 'pod', 'done', '-o', 'jsonpath={.status.phase}']);
    assert.equal(phase, 'Succeeded');
  });

  it('shows OOMKilled for a container over its memory limit, with an OOMKilling event', async () => {
    await waitRow('hog', (r) => r.status === 'OOMKilled');
    const out = await kubectl(['describe', 'pod', 'hog']);
    assert.match(out, /Reason:\s+OOMKilled\s+Exit Code:\s+137/, out);
    assert.match(out, /Warning\s+OOMKilling\s+.*kubelet\s+Memory cgroup out of memory: killed process in container app \(memory limit 16Mi\)/, out);
  });

  it('kills a container whose postStart hook fails and says so in describe', async () => {
    await until(async () => /FailedPostStartHook/.test(await kubectl(['describe', 'pod', 'hook'])), { timeoutMs: 60_000, intervalMs: 500 });
    const out = await kubectl(['describe', 'pod', 'hook']);
    assert.match(out, /Warning\s+FailedPostStartHook\s+.*kubelet\s+PostStartHook failed/, out);
    assert.match(out, /Normal\s+Killing\s+.*kubelet\s+FailedPostStartHook/, out);
  });
});
