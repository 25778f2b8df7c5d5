/**
 * PersistentVolumes on the simulated cluster (two nodes), through the real kubectl: the default
 * `local-path` class; a singleton writing to a local-path claim, deleted and recreated with its
 * data intact on the same node (the volume's node affinity brings it back); a StatefulSet of 2
 * with volumeClaimTemplates, each ordinal finding its own data after its pod is deleted; claim
 * protection (a claim deleted while its pod runs stays Terminating until the pod is gone), then
 * reclaim Delete: the volume goes and its directory is removed from the node; a static `local`
 * volume pinned to one node, bound by class and capacity, bringing its pod to that node, and
 * kept (Retain) with its files after its claim is gone.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { withTestCluster, type TestCluster } from '../support/cluster-fixture';
import { kubectlOk, waitPodRow } from '../support/kubectl-pods';
import { until } from '../../scripts/cluster/wait-until';

const BUSYBOX = 'image: pikube/busybox:latest\n    imagePullPolicy: IfNotPresent';

const CLAIM = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
`;

const WRITER = `apiVersion: v1
kind: Pod
metadata:
  name: writer
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    ${BUSYBOX}
    command: ["sh", "-c", "[ -f /data/first ] || cat /proc/sys/kernel/random/uuid > /data/first; echo $(hostname) >> /data/log; sleep 3600"]
    volumeMounts:
    - name: data
      mountPath: /data
  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: data
`;

const WEB = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: app
        image: pikube/busybox:latest
        imagePullPolicy: IfNotPresent
        command: ["sh", "-c", "[ -f /www/id ] || echo $(hostname) $(cat /proc/sys/kernel/random/uuid) > /www/id; sleep 3600"]
        volumeMounts:
        - name: www
          mountPath: /www
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: local-path
      resources:
        requests:
          storage: 100Mi
`;

describe('PersistentVolumes: local-path claims, StatefulSet claims, protection and reclaim', function () {
  this.timeout(240_000);
  const cluster = withTestCluster({ nodes: ['pi1', 'pi2'] });
  let tc: TestCluster;
  const kubectl = (args: string[], input?: string): Promise<string> => kubectlOk(tc, args, input);
  const exec = (pod: string, command: string): Promise<string> => kubectl(['exec', pod, '--', 'sh', '-c', command]);
  const jsonpath = (args: string[], expr: string): Promise<string> => kubectl([...args, '-o', `jsonpath=${expr}`]);
  beforeEach(() => {
    tc = cluster.get();
  });

  it('has the default local-path class, WaitForFirstConsumer and Delete', async () => {
    const out = await kubectl(['get', 'sc']);
    assert.match(out, /^NAME\s+PROVISIONER\s+RECLAIMPOLICY\s+VOLUMEBINDINGMODE\s+ALLOWVOLUMEEXPANSION\s+AGE\n/);
    assert.match(out, /\nlocal-path \(default\)\s+pikube\.dev\/local-path\s+Delete\s+WaitForFirstConsumer\s+false\s+\S+\n/);
  });

  it('a singleton keeps its data on the same node across deletion and recreation', async () => {
    await kubectl(['apply', '-f', '-'], CLAIM);
    // No consumer yet: the claim waits (and got the default class).
    await until(async () => (await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=data'])).includes('WaitForFirstConsumer') || undefined, { timeoutMs: 20_000, intervalMs: 300 });
    assert.equal(await jsonpath(['get', 'pvc', 'data'], '{.spec.storageClassName} {.status.phase}'), 'local-path Pending');
    const t0 = Date.now();
    await kubectl(['apply', '-f', '-'], WRITER);
    await waitPodRow(tc, 'writer', (r) => r.status === 'Running', 60_000);
    console.log(`      claim provisioned, bound and pod Running ${Date.now() - t0} ms after kubectl apply`);
    const node = await jsonpath(['get', 'pod', 'writer'], '{.spec.nodeName}');
    const volume = await jsonpath(['get', 'pvc', 'data'], '{.spec.volumeName}');
    assert.equal(await jsonpath(['get', 'pvc', 'data'], '{.metadata.annotations.volume\\.kubernetes\\.io/selected-node}'), node);
    const pvRow = await kubectl(['get', 'pv', volume, '--no-headers']);
    assert.match(pvRow, new RegExp(`^${volume}\\s+1Gi\\s+RWO\\s+Delete\\s+Bound\\s+default/data\\s+local-path\\s+<unset>\\s+\\S+\\s*$`), pvRow);
    assert.equal(await jsonpath(['get', 'pv', volume], '{.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]}'), node);
    const dir = await jsonpath(['get', 'pv', volume], '{.spec.hostPath.path}');
    const nodeDir = tc.nodes.find((n) => n.name === node)?.dir ?? '';
    assert.ok(dir.startsWith(path.join(nodeDir, 'agent', 'storage') + '/'), `${dir} under ${nodeDir}`);
    const first = await exec('writer', 'cat /data/first');
    assert.equal(readFileSync(path.join(dir, 'first'), 'utf8'), first, 'the container writes into the node\'s directory');
    const events = await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=data']);
    assert.match(events, /Normal\s+ProvisioningSucceeded\s+persistentvolumeclaim\/data\s+Successfully provisioned volume pvc-/, events);

    await kubectl(['delete', 'pod', 'writer', '--wait=true']);
    await kubectl(['apply', '-f', '-'], WRITER);
    await waitPodRow(tc, 'writer', (r) => r.status === 'Running', 60_000);
    assert.equal(await jsonpath(['get', 'pod', 'writer'], '{.spec.nodeName}'), node, 'the volume\'s node affinity brings the pod back to its node');
    assert.equal(await exec('writer', 'cat /data/first'), first);
    assert.equal(await exec('writer', 'cat /data/log'), 'writer\nwriter\n');
  });

  it('a StatefulSet of 2: each ordinal keeps its own data across a pod deletion', async () => {
    await kubectl(['apply', '-f', '-'], WEB);
    await waitPodRow(tc, 'web-0', (r) => r.status === 'Running', 90_000);
    await waitPodRow(tc, 'web-1', (r) => r.status === 'Running', 90_000);
    const claims = await kubectl(['get', 'pvc', '--no-headers']);
    assert.match(claims, /^www-web-0\s+Bound\s+pvc-\S+\s+100Mi\s+RWO\s+local-path\s/m, claims);
    assert.match(claims, /^www-web-1\s+Bound\s+pvc-\S+\s+100Mi\s+RWO\s+local-path\s/m, claims);
    const ids = [await exec('web-0', 'cat /www/id'), await exec('web-1', 'cat /www/id')];
    assert.match(ids[0], /^web-0 /);
    assert.match(ids[1], /^web-1 /);
    const node0 = await jsonpath(['get', 'pod', 'web-0'], '{.spec.nodeName}');
    const uid0 = await jsonpath(['get', 'pod', 'web-0'], '{.metadata.uid}');
    await kubectl(['delete', 'pod', 'web-0', '--wait=false']);
    await until(async () => {
      const uid = await jsonpath(['get', 'pod', 'web-0', '--ignore-not-found'], '{.metadata.uid}');
      return uid && uid !== uid0 ? uid : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    await waitPodRow(tc, 'web-0', (r) => r.status === 'Running', 60_000);
    assert.equal(await jsonpath(['get', 'pod', 'web-0'], '{.spec.nodeName}'), node0);
    assert.equal(await exec('web-0', 'cat /www/id'), ids[0]);
    assert.equal(await exec('web-1', 'cat /www/id'), ids[1]);
  });

  it('a claim in use stays Terminating until its pod is gone; then reclaim Delete removes the volume and its directory', async () => {
    const volume = await jsonpath(['get', 'pvc', 'data'], '{.spec.volumeName}');
    const dir = await jsonpath(['get', 'pv', volume], '{.spec.hostPath.path}');
    assert.deepEqual(JSON.parse(await jsonpath(['get', 'pvc', 'data'], '{.metadata.finalizers}')), ['kubernetes.io/pvc-protection']);
    await kubectl(['delete', 'pvc', 'data', '--wait=false']);
    const row = await kubectl(['get', 'pvc', 'data', '--no-headers']);
    assert.match(row, /^data\s+Terminating\s/, row);
    await waitPodRow(tc, 'writer', (r) => r.status === 'Running', 5_000);
    await kubectl(['delete', 'pod', 'writer', '--wait=true']);
    await until(async () => ((await kubectl(['get', 'pvc', 'data', '--ignore-not-found'])) === '' ? true : undefined), { timeoutMs: 30_000, intervalMs: 300 });
    await until(async () => ((await kubectl(['get', 'pv', volume, '--ignore-not-found'])) === '' ? true : undefined), { timeoutMs: 30_000, intervalMs: 300 });
    await until(() => !existsSync(dir) || undefined, { timeoutMs: 30_000, intervalMs: 200, describe: () => `${dir} still there` });
  });

  it('a static local volume binds by class, brings its pod to its node, and is kept with its files (Retain)', async () => {
    const pi2 = tc.nodes.find((n) => n.name === 'pi2')?.dir ?? '';
    const disk = path.join(pi2, 'disk1');
    mkdirSync(disk, { recursive: true });
    await kubectl(['apply', '-f', '-'], `apiVersion: v1
kind: PersistentVolume
metadata:
  name: disk1
spec:
  capacity: { storage: 5Gi }
  accessModes: [ReadWriteOnce]
  storageClassName: manual
  local: { path: ${disk} }
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions: [{ key: kubernetes.io/hostname, operator: In, values: [pi2] }]
---
${CLAIM.replace('name: data', 'name: disk').replace('accessModes', 'storageClassName: manual\n  accessModes')}---
${WRITER.replace('name: writer', 'name: disk-user').replace('claimName: data', 'claimName: disk')}`);
    await waitPodRow(tc, 'disk-user', (r) => r.status === 'Running', 60_000);
    assert.equal(await jsonpath(['get', 'pod', 'disk-user'], '{.spec.nodeName}'), 'pi2');
    assert.equal(await jsonpath(['get', 'pvc', 'disk'], '{.spec.volumeName} {.status.phase} {.status.capacity.storage}'), 'disk1 Bound 5Gi');
    const first = await exec('disk-user', 'cat /data/first');
    assert.equal(readFileSync(path.join(disk, 'first'), 'utf8'), first);
    await kubectl(['delete', 'pod', 'disk-user', '--wait=true']);
    await kubectl(['delete', 'pvc', 'disk', '--wait=true']);
    await until(async () => ((await jsonpath(['get', 'pv', 'disk1'], '{.status.phase}')) === 'Released' ? true : undefined), { timeoutMs: 20_000, intervalMs: 300 });
    assert.equal(readFileSync(path.join(disk, 'first'), 'utf8'), first, 'Retain keeps the files');
  });
});
