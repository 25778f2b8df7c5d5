/**
 * nfs volumes on real dockerds and a kernel NFS server (issue 13): two nodes, each the agent's
 * pod manager over a dockerd of its own; pi1 mounts a PersistentVolume's export for a pod, and
 * once that pod is gone its successor on pi2 finds the data (a pod moved to another Pi), an
 * inline `readOnly` volume refuses writes, and an export the server does not have holds the pod
 * with the kubelet's FailedMount text. Each mount is undone with its pod.
 *
 * The server is the kernel's nfsd serving 127.0.0.1 in this process's own network namespace,
 * so the test runs only where that namespace is the test's to use: inside the VM tier's
 * disposable machine (PIKUBE_VM_OUT is set there), which has the kernel's NFS client and
 * server. test/e2e/nfs-volumes.test.ts is the same story through kubectl on a simulated
 * cluster (a machine with NFS and the time to boot one).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PersistentVolumeClaim, Pod, Volume } from '../../../../api/core-v1';
import type { PersistentVolume } from '../../../../api/storage-v1';
import { PodManager } from '../../../../agent/pods/pod-manager';
import { DockerRuntime } from '../../../../agent/runtime/docker-runtime';
import type { StorageSource } from '../../../../agent/storage-objects';
import { until } from '../../../../scripts/cluster/wait-until';
import { nfsMountsOf, nfsUnavailable, startLoopbackNfsServer, type NfsServer } from '../../../support/nfs-server';
import { RecordingPodReporter } from '../../../support/recording-pod-reporter';
import { aPod } from '../../../unit/agent/pods/pod-builder';
import { removeAllContainers, startNodeDocker, type NodeDockerFixture } from '../node-docker-fixture';

const why = process.env.PIKUBE_VM_OUT === undefined ? 'only inside the VM tier: its NFS server uses this machine\'s own network namespace' : nfsUnavailable();

(why === undefined ? describe : describe.skip)(`nfs volumes on real dockerds and a kernel NFS server${why === undefined ? '' : ` (${why})`}`, function () {
  this.timeout(120_000);
  const nodes: { name: string; docker: NodeDockerFixture; manager: PodManager; desired: Pod[] }[] = [];
  let server: NfsServer | undefined;
  let dir = '';
  const reporter = new RecordingPodReporter();
  const claims = new Map<string, PersistentVolumeClaim>();
  const volumes = new Map<string, PersistentVolume>();
  const storage: StorageSource = { claim: (_ns, name) => claims.get(name), volume: (name) => volumes.get(name), localPathDir: '/nonexistent' };

  const staticVolume = (name: string, exportPath: string): void => {
    volumes.set(name, { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name }, spec: {
      capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany'], mountOptions: ['nfsvers=4.2'], nfs: { server: server!.ip, path: exportPath },
    } });
    claims.set(name, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default' },
      spec: { accessModes: ['ReadWriteMany'], volumeName: name, resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Bound' } });
    for (const n of nodes) n.manager.storageChanged();
  };

  const pod = (name: string, command: string, share: Omit<Volume, 'name'>): Pod => {
    const p = aPod(name).withGrace(1).withContainer({ name: 'app', command: ['sh', '-c', command], volumeMounts: [{ name: 'share', mountPath: '/share' }, { name: 'out', mountPath: '/out' }] }).build();
    const out = path.join(dir, 'out', name);
    mkdirSync(out, { recursive: true });
    p.spec.volumes = [{ name: 'share', ...share }, { name: 'out', hostPath: { path: out } }];
    return p;
  };
  const nodeOf = (p: Pod) => nodes.find((n) => n.name === p.spec.nodeName)!;
  const podDir = (p: Pod): string => path.join(dir, p.spec.nodeName ?? '', 'pods', p.metadata.uid ?? '');
  const run = (p: Pod, on: string): void => {
    p.spec.nodeName = on;
    const n = nodeOf(p);
    n.desired.push(p);
    n.manager.setDesired([...n.desired]);
  };
  const remove = async (p: Pod): Promise<void> => {
    const n = nodeOf(p);
    n.desired.splice(n.desired.indexOf(p), 1);
    n.manager.setDesired([...n.desired]);
    const volumeDir = podDir(p);
    await until(() => !nfsMountsOf(server!).some((m) => m.point.startsWith(volumeDir)) || undefined, { timeoutMs: 30_000, intervalMs: 200, describe: () => `${p.metadata.name ?? ''}'s export still mounted` });
  };
  const running = (name: string): Promise<unknown> =>
    until(() => reporter.last.get(name)?.containerStatuses?.[0]?.state?.running !== undefined || undefined, { timeoutMs: 60_000, intervalMs: 200, describe: () => `${name} not running: ${JSON.stringify(reporter.last.get(name))}` });
  const fileSays = (file: string, text: string): Promise<unknown> =>
    until(() => { try { return readFileSync(file, 'utf8') === text || undefined; } catch { return undefined; } }, { timeoutMs: 30_000, intervalMs: 200, describe: () => `${file} does not say ${JSON.stringify(text)}` });

  before(async function () {
    this.timeout(120_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'pkit-nfs-'));
    mkdirSync(path.join(dir, 'export'));
    server = await startLoopbackNfsServer(path.join(dir, 'export'), path.join(dir, 'server.log'));
    for (const [i, name] of ['pi1', 'pi2'].entries()) {
      const docker = await startNodeDocker();
      const manager = new PodManager({
        runtime: new DockerRuntime(docker.docker, { pullTimeoutMs: 10_000 }), reporter, nodeName: name, hostIP: `192.168.77.${11 + i}`, cgroupRoot: docker.cgroupRoot,
        stateDir: path.join(dir, name), storage, nodeAllocatable: () => ({ cpu: '2', memory: '1Gi' }), resyncIntervalMs: 60_000, log: () => undefined,
      });
      nodes.push({ name, docker, manager, desired: [] });
    }
  });

  after(async function () {
    this.timeout(60_000);
    for (const n of nodes) n.manager.setDesired([]);
    await until(() => server === undefined || nfsMountsOf(server).length === 0 || undefined, { timeoutMs: 30_000, intervalMs: 200 }).catch(() => undefined);
    const left = server ? nfsMountsOf(server) : [];
    for (const n of nodes) {
      await n.manager.dispose();
      await removeAllContainers(n.docker.docker);
      await n.docker.stop();
    }
    await server?.stop();
    if (left.length === 0) rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(left.map((m) => m.point), [], 'NFS mounts left behind');
  });

  it('mounts a PersistentVolume\'s export for a pod on pi1; once it is gone, its successor on pi2 finds the data', async () => {
    staticVolume('nas', server!.exportDir);
    const note = path.join(server!.exportDir, 'note');
    const writer = pod('writer', 'echo written by writer > /share/note; sleep 3600', { persistentVolumeClaim: { claimName: 'nas' } });
    run(writer, 'pi1');
    await running('writer');
    // The server's first 10 s are its grace period: a file is created once it is over.
    await fileSays(note, 'written by writer\n');
    const point = path.join(podDir(writer), 'volumes', 'kubernetes.io~nfs', 'nas');
    assert.deepEqual(nfsMountsOf(server!).map((m) => [m.point, m.type, m.source]), [[point, 'nfs4', `${server!.ip}:${server!.exportDir}`]], 'pi1 mounted the export on the pod\'s volume directory, named after the PersistentVolume');
    await remove(writer);

    const reader = pod('reader', 'cat /share/note > /out/seen; echo read by reader >> /share/note; sleep 3600', { persistentVolumeClaim: { claimName: 'nas' } });
    run(reader, 'pi2');
    await fileSays(path.join(dir, 'out', 'reader', 'seen'), 'written by writer\n');
    assert.deepEqual(nfsMountsOf(server!).map((m) => m.point), [path.join(podDir(reader), 'volumes', 'kubernetes.io~nfs', 'nas')], 'pi2 mounts it now');
    await fileSays(note, 'written by writer\nread by reader\n');
    await remove(reader);
  });

  it('mounts an inline readOnly volume read-only: the data is there, writes are refused', async () => {
    const viewer = pod('viewer', 'cat /share/note > /out/seen; touch /share/other 2> /out/touch; sleep 3600', { nfs: { server: server!.ip, path: server!.exportDir, readOnly: true } });
    run(viewer, 'pi1');
    await fileSays(path.join(dir, 'out', 'viewer', 'touch'), 'touch: /share/other: Read-only file system\n');
    assert.equal(readFileSync(path.join(dir, 'out', 'viewer', 'seen'), 'utf8'), 'written by writer\nread by reader\n');
    assert.match(nfsMountsOf(server!)[0]?.options ?? '', /^ro,/, 'the kernel mount itself is read-only');
    await remove(viewer);
  });

  it('holds a pod whose export the server does not have, with the kubelet\'s FailedMount event', async () => {
    const gone = `${server!.exportDir}-gone`;
    staticVolume('gone', gone);
    const lost = pod('lost', 'sleep 3600', { persistentVolumeClaim: { claimName: 'gone' } });
    run(lost, 'pi2');
    const failed = await until(() => reporter.events.find((e) => e.pod === 'lost' && e.event.reason === 'FailedMount'), { timeoutMs: 90_000, intervalMs: 200, describe: () => 'no FailedMount event for lost' });
    const point = path.join(podDir(lost), 'volumes', 'kubernetes.io~nfs', 'gone');
    assert.equal(failed.event.type, 'Warning');
    assert.ok(failed.event.message.startsWith(`MountVolume.SetUp failed for volume "gone" : mount failed: exit status 32\nMounting command: mount\nMounting arguments: -t nfs -o nfsvers=4.2 ${server!.ip}:${gone} ${point}\nOutput: mount.nfs: `), failed.event.message);
    assert.equal(reporter.last.get('lost')?.containerStatuses?.[0]?.state?.waiting?.reason, 'ContainerCreating');
    await remove(lost);
  });
});
