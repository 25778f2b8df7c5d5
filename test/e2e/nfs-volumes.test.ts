/**
 * nfs volumes end to end, through the real kubectl, against a kernel NFS server on the simulated
 * LAN (test/support/nfs-server.ts: Debian's nfs-kernel-server in a namespace of its own, like a
 * NAS): a pod on a static nfs PersistentVolume writes on pi1, is deleted, and its successor on
 * pi2 reads the data back (the agents' kernel mounts, unmounted with each pod); an inline `nfs`
 * volume with `readOnly` refuses writes; an export that is not there holds its pod in
 * ContainerCreating with the kubelet's FailedMount text. Needs the kernel's NFS client and
 * server: run it in the VM (docs/vm-tests.md, "NFS volumes"); a host without them skips it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withTestCluster, type TestCluster } from '../support/cluster-fixture';
import { kubectlOk, waitPodRow } from '../support/kubectl-pods';
import { nfsMountsOf, nfsUnavailable, startNfsServer, type NfsServer } from '../support/nfs-server';
import { until } from '../../scripts/cluster/wait-until';

function pod(name: string, node: string, command: string, volume: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  nodeSelector: { kubernetes.io/hostname: ${node} }
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: pikube/busybox:latest
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", ${JSON.stringify(command)}]
    volumeMounts:
    - name: share
      mountPath: /share
  volumes:
  - name: share
${volume}`;
}

function staticVolume(name: string, server: NfsServer, exportPath: string): string {
  return `apiVersion: v1
kind: PersistentVolume
metadata:
  name: ${name}
spec:
  capacity: { storage: 1Gi }
  accessModes: [ReadWriteMany]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: ""
  mountOptions: [nfsvers=4.2]
  nfs: { server: ${server.ip}, path: ${exportPath} }
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${name}
spec:
  accessModes: [ReadWriteMany]
  storageClassName: ""
  volumeName: ${name}
  resources: { requests: { storage: 1Gi } }
`;
}

const PODS = ['writer', 'reader', 'viewer', 'lost'];
const missing = nfsUnavailable();

(missing === undefined ? describe : describe.skip)(`nfs volumes on a kernel NFS server${missing === undefined ? '' : ` (not on this machine: ${missing})`}`, function () {
  this.timeout(300_000);
  let tc: TestCluster;
  let server: NfsServer | undefined;
  let dir: string | undefined;
  const kubectl = (args: string[], input?: string): Promise<string> => kubectlOk(tc, args, input);
  const jsonpath = (args: string[], expr: string): Promise<string> => kubectl([...args, '-o', `jsonpath=${expr}`]);
  const nodeDir = (node: string): string => tc.nodes.find((n) => n.name === node)?.dir ?? '';
  const runningOn = async (name: string, node: string, manifest: string): Promise<number> => {
    const t0 = Date.now();
    await kubectl(['apply', '-f', '-'], manifest);
    await waitPodRow(tc, name, (r) => r.status === 'Running', 120_000);
    assert.equal(await jsonpath(['get', 'pod', name], '{.spec.nodeName}'), node);
    return Date.now() - t0;
  };

  // Registered before the cluster's hooks, so it runs before the cluster goes down: the agents
  // unmount the export with each pod while the server still answers.
  after(async function () {
    this.timeout(120_000);
    if (server) await tc.kubectl(['delete', 'pod', '--ignore-not-found', '--wait=true', '--timeout=90s', ...PODS]);
  });
  const cluster = withTestCluster({ nodes: ['pi1', 'pi2'] });
  before(async function () {
    this.timeout(60_000);
    tc = cluster.get();
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-nfs-'));
    mkdirSync(path.join(dir, 'export'));
    const t0 = Date.now();
    server = await startNfsServer({ clusterId: tc.cluster.id, lan: tc.cluster.lan, hostOctet: 200, exportDir: path.join(dir, 'export'), logFile: path.join(dir, 'server.log') });
    console.log(`      NFS server at ${server.ip} exporting ${server.exportDir}, up in ${Date.now() - t0} ms`);
  });
  // After the cluster is down (mocha runs `after` hooks in the order they were registered).
  after(async function () {
    this.timeout(60_000);
    const left = server ? nfsMountsOf(server) : [];
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(left.map((m) => m.point), [], 'NFS mounts left after the cluster went down');
  });

  it('a pod on an nfs PersistentVolume writes on pi1; recreated on pi2 it reads the data back', async () => {
    const nfs = server as NfsServer;
    await kubectl(['apply', '-f', '-'], staticVolume('nas', nfs, nfs.exportDir));
    await until(async () => (await jsonpath(['get', 'pvc', 'nas'], '{.status.phase}')) === 'Bound' || undefined, { timeoutMs: 30_000, intervalMs: 300 });
    const volume = 'persistentVolumeClaim: { claimName: nas }';
    const writerMs = await runningOn('writer', 'pi1', pod('writer', 'pi1', 'echo written on pi1 > /share/note; sleep 3600', `    ${volume}`));
    const uid = await jsonpath(['get', 'pod', 'writer'], '{.metadata.uid}');
    const note = path.join(nfs.exportDir, 'note');
    // The server's first 10 s are its grace period: a file is created once it is over.
    await until(() => readFileSync(note, 'utf8') === 'written on pi1\n' || undefined, { timeoutMs: 30_000, intervalMs: 300, describe: () => `${note} not written` });
    const point = path.join(nodeDir('pi1'), 'agent', 'pods', uid, 'volumes', 'kubernetes.io~nfs', 'nas');
    const mounted = nfsMountsOf(nfs);
    assert.deepEqual(mounted.map((m) => [m.point, m.type, m.source]), [[point, 'nfs4', `${nfs.ip}:${nfs.exportDir}`]], 'pi1\'s agent mounted the export on the pod\'s volume directory');
    console.log(`      writer Running on pi1 ${writerMs} ms after kubectl apply`);

    await kubectl(['delete', 'pod', 'writer', '--wait=true']);
    assert.deepEqual(nfsMountsOf(nfs), [], 'unmounted with the pod');
    const readerMs = await runningOn('reader', 'pi2', pod('reader', 'pi2', 'cat /share/note; echo read on pi2 >> /share/note; sleep 3600', `    ${volume}`));
    await until(async () => (await kubectl(['logs', 'reader'])) === 'written on pi1\n' || undefined, { timeoutMs: 30_000, intervalMs: 300, describe: () => 'reader logs' });
    await until(() => readFileSync(note, 'utf8') === 'written on pi1\nread on pi2\n' || undefined, { timeoutMs: 30_000, intervalMs: 300 });
    assert.match(nfsMountsOf(nfs)[0]?.point ?? '', new RegExp(`^${nodeDir('pi2')}/agent/pods/`), 'pi2\'s agent mounts it now');
    console.log(`      reader Running on pi2 ${readerMs} ms after kubectl apply`);
    await kubectl(['delete', 'pod', 'reader', '--wait=true']);
    assert.deepEqual(nfsMountsOf(nfs), []);
  });

  it('an inline nfs volume with readOnly mounts read-only: the data is there, writes are refused', async () => {
    const nfs = server as NfsServer;
    const volume = `    nfs: { server: ${nfs.ip}, path: ${nfs.exportDir}, readOnly: true }`;
    await runningOn('viewer', 'pi1', pod('viewer', 'pi1', 'cat /share/note; touch /share/other 2>&1 || true; sleep 3600', volume));
    const logs = await until(async () => {
      const out = await kubectl(['logs', 'viewer']);
      return out.includes('touch') ? out : undefined;
    }, { timeoutMs: 30_000, intervalMs: 300, describe: () => 'viewer logs' });
    assert.match(logs, /^written on pi1\nread on pi2\ntouch: \/share\/other: Read-only file system\n$/, logs);
    const [mounted] = nfsMountsOf(nfs);
    assert.match(mounted?.options ?? '', /^ro,/, 'the kernel mount itself is read-only');
    await kubectl(['delete', 'pod', 'viewer', '--wait=true']);
    assert.deepEqual(nfsMountsOf(nfs), []);
  });

  it('an export the server does not have: FailedMount with the mount error, the pod stays ContainerCreating', async () => {
    const nfs = server as NfsServer;
    const gone = `${nfs.exportDir}-gone`;
    await kubectl(['apply', '-f', '-'], staticVolume('gone', nfs, gone));
    await kubectl(['apply', '-f', '-'], pod('lost', 'pi2', 'sleep 3600', '    persistentVolumeClaim: { claimName: gone }'));
    const message = await until(async () => {
      const out = await jsonpath(['get', 'events', '--field-selector', 'involvedObject.name=lost'], '{range .items[?(@.reason=="FailedMount")]}{.type} {.message}{end}');
      return out || undefined;
    }, { timeoutMs: 90_000, intervalMs: 500, describe: () => 'no FailedMount event for lost' });
    const uid = await jsonpath(['get', 'pod', 'lost'], '{.metadata.uid}');
    const point = path.join(nodeDir('pi2'), 'agent', 'pods', uid, 'volumes', 'kubernetes.io~nfs', 'gone');
    assert.ok(message.startsWith(`Warning MountVolume.SetUp failed for volume "gone" : mount failed: exit status 32\nMounting command: mount\nMounting arguments: -t nfs -o nfsvers=4.2 ${nfs.ip}:${gone} ${point}\nOutput: mount.nfs: `), message);
    const row = await waitPodRow(tc, 'lost', (r) => r.status === 'ContainerCreating', 5_000);
    assert.equal(row.ready, '0/1');
    await kubectl(['delete', 'pod', 'lost', '--wait=true']);
    assert.deepEqual(nfsMountsOf(nfs), []);
  });
});
