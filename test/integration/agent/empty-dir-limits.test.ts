/**
 * emptyDir limits and hostPath types on a real dockerd: a pod writing past its disk emptyDir's
 * sizeLimit is evicted (phase Failed, reason Evicted, the kubelet's message and event, its
 * container stopped and not restarted) while a pod under its limit keeps running; a
 * `medium: Memory` emptyDir is a tmpfs of `sizeLimit` (a write past it fails with ENOSPC in
 * the container); a hostPath of type Directory that is a file holds the pod in
 * ContainerCreating with the kubelet's FailedMount message.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../../api/core-v1';
import { PodManager } from '../../../agent/pods/pod-manager';
import { RecordingPodReporter } from '../../support/recording-pod-reporter';
import { DockerRuntime } from '../../../agent/runtime/docker-runtime';
import { until } from '../../../scripts/cluster/wait-until';
import { aPod } from '../../unit/agent/pods/pod-builder';
import { makeStateDir, removeStateDir, stopPodsAndUnmount } from './pod-state-dir';
import { startNodeDocker, removeAllContainers, type NodeDockerFixture } from './node-docker-fixture';

const LOOP = 'trap "exit 0" TERM; while true; do sleep 0.2; done';

describe('emptyDir limits and hostPath types on a real dockerd', function () {
  this.timeout(90_000);
  let node: NodeDockerFixture | undefined;
  let stateDir: string;
  let hostDir: string;
  let manager: PodManager | undefined;
  const reports = new RecordingPodReporter();

  before(async function () {
    this.timeout(120_000);
    node = await startNodeDocker();
    stateDir = makeStateDir('pkit-emptydir-');
    hostDir = mkdtempSync(path.join(os.tmpdir(), 'pkit-hostpath-'));
  });

  after(async function () {
    this.timeout(60_000);
    try {
      await stopPodsAndUnmount(manager, stateDir);
      if (node) await removeAllContainers(node.docker);
    } finally {
      // The node's dockerd and namespace go whatever failed above: a failed hook must leave nothing running.
      await node?.stop();
      if (hostDir) rmSync(hostDir, { recursive: true, force: true });
      removeStateDir(stateDir);
    }
  });

  it('evicts the pod over its emptyDir sizeLimit, bounds a memory emptyDir, and checks hostPath types', async () => {
    const fixture = node as NodeDockerFixture;
    const runtime = new DockerRuntime(fixture.docker, { pullTimeoutMs: 10_000 });
    manager = new PodManager({
      runtime, reporter: reports, nodeName: 'pi1', hostIP: '192.168.77.11', cgroupRoot: fixture.cgroupRoot, stateDir,
      nodeAllocatable: () => ({ cpu: '2', memory: '1Gi' }), resyncIntervalMs: 60_000, evictionIntervalMs: 300, log: () => undefined,
    });
    const withVolume = (name: string, volume: Pod['spec']['volumes'], command = LOOP): Pod => {
      const pod = aPod(name).withContainer({ name: 'app', command: ['sh', '-c', command], volumeMounts: [{ name: 'v', mountPath: '/data' }] }).build();
      pod.spec.volumes = volume;
      pod.spec.terminationGracePeriodSeconds = 30;
      return pod;
    };
    const file = path.join(hostDir, 'not-a-dir');
    writeFileSync(file, 'x');
    const hog = withVolume('hog', [{ name: 'v', emptyDir: { sizeLimit: '1Mi' } }], `dd if=/dev/zero of=/data/fill bs=1024 count=2048; ${LOOP}`);
    const modest = withVolume('modest', [{ name: 'v', emptyDir: { sizeLimit: '4Mi' } }], `dd if=/dev/zero of=/data/fill bs=1024 count=1024; ${LOOP}`);
    const ram = withVolume('ram', [{ name: 'v', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }]);
    const typed = withVolume('typed', [{ name: 'v', hostPath: { path: file, type: 'Directory' } }]);
    manager.setDesired([hog, modest, ram, typed]);
    const status = (name: string) => reports.last.get(name);
    const waitFor = <T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>) =>
      until(probe, { timeoutMs: 30_000, intervalMs: 100, describe: () => `${what}: ${JSON.stringify([...reports.last.entries()])}` });

    const evicted = await waitFor('hog evicted', () => status('hog')?.phase === 'Failed' && status('hog'));
    assert.equal(evicted.reason, 'Evicted');
    assert.equal(evicted.message, 'Usage of EmptyDir volume "v" exceeds the limit "1Mi". ');
    assert.ok(reports.events.some((e) => e.pod === 'hog' && e.event.type === 'Warning' && e.event.reason === 'Evicted' && e.event.message === evicted.message));
    await waitFor('hog stopped', () => status('hog')?.containerStatuses?.[0]?.state?.terminated);
    const running = await fixture.docker.listContainers({ filters: { label: [`io.kubernetes.pod.uid=${hog.metadata.uid}`] } });
    assert.equal(running.length, 0, 'no container of the evicted pod runs');

    const ramId = await waitFor('ram running', () => (status('ram')?.containerStatuses?.[0]?.state?.running ? status('ram')?.containerStatuses?.[0]?.containerID?.replace('docker://', '') : undefined));
    const sh = async (id: string, command: string) => runtime.exec(id, ['sh', '-c', command], { timeoutMs: 10_000, signal: AbortSignal.timeout(15_000) });
    const fill = await sh(ramId, 'dd if=/dev/zero of=/data/fill bs=1024 count=2048 2>&1; grep " /data " /proc/mounts');
    assert.match(fill.output, /No space left on device/);
    assert.match(fill.output, /tmpfs \/data tmpfs [^ ]*size=1024k/);

    assert.equal(status('modest')?.phase, 'Running');
    await waitFor('typed held with FailedMount', () => reports.events.some((e) => e.pod === 'typed' && e.event.reason === 'FailedMount'));
    const mountEvent = reports.events.find((e) => e.pod === 'typed' && e.event.reason === 'FailedMount');
    assert.equal(mountEvent?.event.message, `MountVolume.SetUp failed for volume "v" : hostPath type check failed: ${file} is not a directory`);
    assert.equal(status('typed')?.containerStatuses?.[0]?.state?.waiting?.reason, 'ContainerCreating');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(status('modest')?.phase, 'Running', 'a pod under its limit is left alone');
  });
});
