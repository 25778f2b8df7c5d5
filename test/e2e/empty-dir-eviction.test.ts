/**
 * emptyDir `sizeLimit` on a one-node simulated cluster through the real kubectl: a pod that
 * writes past its disk emptyDir's limit is evicted by its node's agent within the eviction
 * monitoring period (10 s, as the kubelet's) — `kubectl get pod` shows Evicted, the status
 * the kubelet's message, `kubectl get events` the Warning — and is not restarted; a memory
 * emptyDir is a tmpfs of its sizeLimit inside the container.
 */
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../support/cluster-fixture';
import { kubectlOk, waitPodRow } from '../support/kubectl-pods';
import { until } from '../../scripts/cluster/wait-until';

const MANIFESTS = `apiVersion: v1
kind: Pod
metadata:
  name: hog
spec:
  terminationGracePeriodSeconds: 30
  containers:
  - name: app
    image: pikube/busybox:latest
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "sleep 1; dd if=/dev/zero of=/cache/fill bs=1024 count=3072; sleep 3600"]
    volumeMounts:
    - name: cache
      mountPath: /cache
  volumes:
  - name: cache
    emptyDir:
      sizeLimit: 2Mi
---
apiVersion: v1
kind: Pod
metadata:
  name: ram
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: pikube/busybox:latest
    imagePullPolicy: IfNotPresent
    command: ["sleep", "3600"]
    volumeMounts:
    - name: scratch
      mountPath: /scratch
  volumes:
  - name: scratch
    emptyDir:
      medium: Memory
      sizeLimit: 8Mi
`;

describe('emptyDir sizeLimit with kubectl', function () {
  this.timeout(180_000);
  let tc: TestCluster;
  const kubectl = (args: string[], input?: string): Promise<string> => kubectlOk(tc, args, input);

  before(async function () {
    this.timeout(300_000);
    tc = await startTestCluster({ nodes: ['pi1'] });
  });

  after(async function () {
    this.timeout(120_000);
    if (tc) await tc.down();
  });

  it('evicts the pod over its limit (Evicted, the kubelet message and event) and sizes a memory emptyDir', async () => {
    await kubectl(['apply', '-f', '-'], MANIFESTS);
    await waitPodRow(tc, 'hog', (r) => r.status === 'Running');
    const runningAt = Date.now();
    await waitPodRow(tc, 'hog', (r) => r.status === 'Evicted', 40_000);
    console.log(`      Running → Evicted ${Date.now() - runningAt} ms`);
    const status = JSON.parse(await kubectl(['get', 'pod', 'hog', '-o', 'jsonpath={.status}'])) as { phase: string; reason: string; message: string };
    assert.deepEqual([status.phase, status.reason, status.message], ['Failed', 'Evicted', 'Usage of EmptyDir volume "cache" exceeds the limit "2Mi". ']);
    const events = await until(async () => {
      const text = await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=hog,reason=Evicted', '-o', 'custom-columns=TYPE:.type,MESSAGE:.message', '--no-headers']);
      return text.trim() ? text : undefined;
    }, { timeoutMs: 20_000, describe: () => 'the Evicted event' });
    assert.match(events, /Warning +Usage of EmptyDir volume "cache" exceeds the limit "2Mi"\./);
    await until(async () => (await kubectl(['get', 'pod', 'hog', '-o', 'jsonpath={.status.containerStatuses[0].state.terminated.exitCode}'])) !== '', { timeoutMs: 20_000, describe: () => 'the container stopped' });
    assert.equal(await kubectl(['get', 'pod', 'hog', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}']), '0');

    await waitPodRow(tc, 'ram', (r) => r.status === 'Running');
    assert.match(await kubectl(['exec', 'ram', '--', 'grep', ' /scratch ', '/proc/mounts']), /^tmpfs \/scratch tmpfs .*size=8192k/);
  });
});
