/**
 * The pod manager against a real dockerd in a network namespace: pods run as pause + app
 * containers with their cgroup limits, image policies fail the kubelet's way, deletions
 * stop gracefully, and a new manager re-adopts what the old one left running.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Pod, PodStatus } from '../../../api/core-v1';
import { PodManager } from '../../../agent/pods/pod-manager';
import type { PodReporter } from '../../../agent/pods/pod-sink';
import { ImagePullError } from '../../../agent/runtime/container-runtime';
import { sliceCgroupPath, sliceNameOf } from '../../../agent/cgroups/systemd-slice';
import { openPodCgroups } from '../../../agent/cgroups/open-pod-cgroups';
import type { PodCgroups } from '../../../agent/cgroups/pod-cgroups';
import { DockerRuntime } from '../../../agent/runtime/docker-runtime';
import { inNetns, netnsPath } from '../../../scripts/cluster/netns';
import { until } from '../../../scripts/cluster/wait-until';
import { aPod } from '../../unit/agent/pods/pod-builder';
import { startNodeDocker, type NodeDockerFixture, removeAllContainers } from './node-docker-fixture';

class RecordingReporter implements PodReporter {
  readonly last = new Map<string, PodStatus>();
  readonly terminatedAt = new Map<string, number>();
  /** Every waiting reason each pod went through, with its message. */
  readonly seenReasons = new Map<string, Map<string, string>>();

  reportStatus(pod: Pod, status: PodStatus): void {
    const name = pod.metadata.name ?? '';
    this.last.set(name, structuredClone(status));
    const reasons = this.seenReasons.get(name) ?? new Map<string, string>();
    for (const c of status.containerStatuses ?? []) if (c.state?.waiting?.reason) reasons.set(c.state.waiting.reason, c.state.waiting.message ?? '');
    this.seenReasons.set(name, reasons);
  }

  reportTerminated(pod: Pod): void {
    this.terminatedAt.set(pod.metadata.name ?? '', Date.now());
  }

  reportEvent(): void {
    // events are the lifecycle suite's concern
  }
}

const TRAPS_TERM = 'trap "exit 0" TERM; while true; do sleep 0.2; done';
const IGNORES_TERM = 'trap "" TERM; while true; do sleep 0.2; done';

/**
 * The cgroup directory of a process, from /proc/<pid>/cgroup: the controller's hierarchy on
 * cgroup v1, the unified one on v2; works for Docker's cgroupfs and systemd drivers alike.
 */
function cgroupDir(pid: number, v1Controller: string): { dir: string; v2: boolean } {
  const entries = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n').map((l) => l.split(':'));
  const v1 = entries.find(([, controllers]) => controllers.split(',').includes(v1Controller));
  if (v1 && existsSync(path.join('/sys/fs/cgroup', v1Controller))) return { dir: path.join('/sys/fs/cgroup', v1Controller, v1[2]), v2: false };
  const unified = entries.find(([id]) => id === '0');
  return { dir: path.join('/sys/fs/cgroup', unified?.[2] ?? '/'), v2: true };
}

/** Reads a container's cgroup setting: `v1File` under the v1 controller, else `v2File`. */
function cgroupValue(pid: number, v1: [controller: string, file: string], v2File: string): string {
  const { dir, v2 } = cgroupDir(pid, v1[0]);
  return readFileSync(path.join(dir, v2 ? v2File : v1[1]), 'utf8').trim();
}

function deleting(pod: Pod, graceSeconds: number): Pod {
  return { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: graceSeconds } };
}

describe('PodManager on a real dockerd', function () {
  this.timeout(60_000);
  let node: NodeDockerFixture | undefined;
  let reporter: RecordingReporter;
  const managers: PodManager[] = [];
  const logs: string[] = [];

  /** Pod cgroups as the agent makes them, under the fixture's root and Docker driver. */
  let podCgroups: PodCgroups | undefined;
  const fixture = (): NodeDockerFixture => {
    if (!node) throw new Error('node docker fixture not started');
    return node;
  };

  function newManager(resyncIntervalMs = 500): PodManager {
    const m = new PodManager({
      runtime: new DockerRuntime(fixture().docker, { pullTimeoutMs: 10_000 }), reporter,
      nodeName: 'pi1', hostIP: '192.168.77.11', cgroupRoot: fixture().cgroupRoot, podCgroups, resyncIntervalMs, log: (l) => logs.push(l),
    });
    managers.push(m);
    return m;
  }

  const statusOf = (name: string): PodStatus | undefined => reporter.last.get(name);
  const wait = <T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000) =>
    until(probe, { timeoutMs, intervalMs: 100, describe: () => `${what}; statuses: ${JSON.stringify([...reporter.last])}; logs: ${logs.join(' | ')}` });
  const running = (name: string) => wait(`${name} Running`, () => statusOf(name)?.phase === 'Running' && statusOf(name)?.containerStatuses?.every((c) => c.ready) && statusOf(name));
  const idOf = (status: PodStatus, i = 0): string => (status.containerStatuses?.[i].containerID ?? '').replace('docker://', '');
  const containersOf = async (uid: string) => fixture().docker.listContainers({ all: true, filters: { label: [`io.kubernetes.pod.uid=${uid}`] } });

  before(async function () {
    this.timeout(120_000);
    node = await startNodeDocker();
    podCgroups = await openPodCgroups({ root: node.cgroupRoot, dockerCgroupDriver: node.cgroupDriver });
  });

  beforeEach(() => {
    reporter = new RecordingReporter();
    logs.length = 0;
  });

  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.dispose()));
    if (node) await removeAllContainers(node.docker);
  });

  after(async function () {
    this.timeout(60_000);
    await node?.stop();
  });

  it('runs a pod: Running, with a pod IP on the node bridge and the container id docker shows', async () => {
    const pod = aPod('web').withContainer({ name: 'app', command: ['sh', '-c', TRAPS_TERM] }).build();
    newManager().setDesired([pod]);
    const status = await running('web');
    assert.ok(status.podIP?.startsWith(fixture().podSubnetPrefix), `podIP ${status.podIP}`);
    assert.equal(status.hostIP, '192.168.77.11');
    const ps = await fixture().docker.listContainers();
    const app = ps.find((c) => c.Id === idOf(status));
    assert.ok(app, `containerID ${idOf(status)} not in docker ps`);
    assert.equal(app.Names[0], `/k8s_app_web_default_${pod.metadata.uid}_0`);
    assert.ok(ps.some((c) => c.Names[0] === `/k8s_POD_web_default_${pod.metadata.uid}_0`), 'pause container runs');
    assert.deepEqual(status.conditions?.filter((c) => c.status === 'True').map((c) => c.type).sort(), ['ContainersReady', 'Initialized', 'PodReadyToStartContainers', 'PodScheduled', 'Ready']);
  });

  it('puts the container in its Burstable pod cgroup, with its memory and cpu limits', async () => {
    const pod = aPod('limited').withContainer({
      name: 'app', command: ['sh', '-c', TRAPS_TERM], resources: { limits: { memory: '48Mi', cpu: '250m' }, requests: { cpu: '100m' } },
    }).build();
    newManager().setDesired([pod]);
    const id = idOf(await running('limited'));
    const pid = (await fixture().docker.getContainer(id).inspect()).State.Pid;
    const { dir, v2 } = cgroupDir(pid, 'memory');
    const podCgroup = fixture().cgroupDriver === 'systemd' ? sliceCgroupPath(sliceNameOf(`${fixture().cgroupRoot}/burstable/pod${pod.metadata.uid}`)) : `${fixture().cgroupRoot}/burstable/pod${pod.metadata.uid}`;
    assert.ok(dir.includes(`${podCgroup}/`), `container cgroup ${dir} is not in its pod cgroup ${podCgroup}`);
    assert.equal(cgroupValue(pid, ['memory', 'memory.limit_in_bytes'], 'memory.max'), String(48 * 1024 * 1024));
    if (v2) {
      assert.equal(cgroupValue(pid, ['cpu', ''], 'cpu.max'), '25000 100000');
    } else {
      assert.equal(cgroupValue(pid, ['cpu', 'cpu.cfs_quota_us'], ''), '25000');
      assert.equal(cgroupValue(pid, ['cpu', 'cpu.cfs_period_us'], ''), '100000');
      assert.equal(cgroupValue(pid, ['cpu', 'cpu.shares'], ''), '102');
    }
  });

  it('gives the container its env, with the pod IP from the downward API', async () => {
    const pod = aPod('envy').withContainer({
      name: 'app', command: ['sh', '-c', TRAPS_TERM],
      env: [{ name: 'GREETING', value: 'hi' }, { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
    }).build();
    newManager().setDesired([pod]);
    const status = await running('envy');
    const env = (await fixture().docker.getContainer(idOf(status)).inspect()).Config.Env;
    assert.ok(env.includes('GREETING=hi'), env.join(' '));
    assert.ok(env.includes(`MY_IP=${status.podIP}`), env.join(' '));
  });

  it('notices a container exit from Docker\'s event stream, long before any resync', async () => {
    newManager(600_000).setDesired([aPod('oneshot').withRestartPolicy('Never').withContainer({ name: 'app', command: ['sh', '-c', 'sleep 1; exit 3'] }).build()]);
    const s = await wait('Failed', () => statusOf('oneshot')?.phase === 'Failed' && statusOf('oneshot'), 10_000);
    assert.deepEqual([s.containerStatuses?.[0].state?.terminated?.exitCode, s.containerStatuses?.[0].state?.terminated?.reason], [3, 'Error']);
  });

  it('restarts an exited container under restartPolicy Always and keeps its last state', async () => {
    newManager().setDesired([aPod('flaky').withContainer({ name: 'app', command: ['sh', '-c', 'sleep 0.5; exit 7'] }).build()]);
    const s = await wait('restarted once', () => (statusOf('flaky')?.containerStatuses?.[0].restartCount ?? 0) >= 1 && statusOf('flaky'));
    assert.equal(s.containerStatuses?.[0].lastState?.terminated?.exitCode, 7);
    const names = (await fixture().docker.listContainers({ all: true })).map((c) => c.Names[0]);
    assert.ok(names.some((n) => /^\/k8s_app_flaky_default_.*_1$/.test(n)), names.join(' '));
  });

  it('reports a container killed at its memory limit as OOMKilled', async () => {
    const hog = 'x=$(head -c 67108864 /dev/zero | tr "\\0" a); sleep 100';
    newManager().setDesired([aPod('hog').withRestartPolicy('Never').withContainer({ name: 'app', command: ['sh', '-c', hog], resources: { limits: { memory: '16Mi' } } }).build()]);
    // 60 s: in the VM tier (emulated CPU) creating the pod and filling 16 MiB take long on a busy machine.
    const s = await wait('Failed', () => statusOf('hog')?.phase === 'Failed' && statusOf('hog'), 60_000);
    assert.deepEqual([s.containerStatuses?.[0].state?.terminated?.reason, s.containerStatuses?.[0].state?.terminated?.exitCode], ['OOMKilled', 137]);
  });

  it('reports a container whose command does not exist as terminated StartError', async () => {
    newManager().setDesired([aPod('typo').withRestartPolicy('Never').withContainer({ name: 'app', command: ['/bin/nope'] }).build()]);
    const s = await wait('Failed', () => statusOf('typo')?.phase === 'Failed' && statusOf('typo'));
    const t = s.containerStatuses?.[0].state?.terminated;
    assert.equal(t?.reason, 'StartError');
    assert.match(t?.message ?? '', /nope/);
    assert.notEqual(t?.exitCode, 0);
  });

  it('reports ErrImageNeverPull for a missing image with pull policy Never', async () => {
    newManager().setDesired([aPod('never').withContainer({ name: 'app', image: 'pikube/absent:1', imagePullPolicy: 'Never' }).build()]);
    const s = await wait('ErrImageNeverPull', () => statusOf('never')?.containerStatuses?.[0].state?.waiting?.reason === 'ErrImageNeverPull' && statusOf('never'));
    assert.equal(s.containerStatuses?.[0].state?.waiting?.message, 'Container image "pikube/absent:1" is not present with pull policy of Never');
    assert.equal(s.phase, 'Pending');
  });

  it('reports ErrImagePull, then ImagePullBackOff, quickly when a pull has no route out', async () => {
    const started = Date.now();
    newManager().setDesired([aPod('nopull').withContainer({ name: 'app', image: 'pikube/absent:2', imagePullPolicy: 'IfNotPresent' }).build()]);
    await wait('ErrImagePull', () => reporter.seenReasons.get('nopull')?.has('ErrImagePull'));
    await wait('ImagePullBackOff', () => statusOf('nopull')?.containerStatuses?.[0].state?.waiting?.reason === 'ImagePullBackOff');
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
    assert.match(statusOf('nopull')?.containerStatuses?.[0].state?.waiting?.message ?? '', /^Back-off pulling image "pikube\/absent:2": ErrImagePull: \S/);
    // The waiting message is the runtime's error itself (evalCRIPullErr); the event adds `Failed to pull image`.
    assert.match(reporter.seenReasons.get('nopull')?.get('ErrImagePull') ?? '', /^(?!Failed to pull image)\S/);
  });

  it('gives up a pull that hangs once its bounded timeout passes, with a clear error', async () => {
    // A "registry" in the node's namespace that accepts every connection and never answers.
    const silent = spawn('nsenter', [`--net=${netnsPath(fixture().netns)}`, 'busybox', 'nc', '-ll', '-p', '5999', '-e', 'sleep', '30'], { stdio: 'ignore', detached: true });
    try {
      const sockets = async () => (await inNetns(fixture().netns, 'cat', ['/proc/net/tcp', '/proc/net/tcp6'])).stdout;
      const listening = async () => /:176F \S+ 0A /.test(await sockets());
      await wait('silent registry listening on 127.0.0.1:5999', listening, 5_000);
      const runtime = new DockerRuntime(fixture().docker, { pullTimeoutMs: 1_500 });
      const started = Date.now();
      // Either our bound fires, or dockerd's own registry client gives up first (it may, under
      // load): both must surface as an ImagePullError well before dockerd's 15 s default.
      await assert.rejects(runtime.pullImage('127.0.0.1:5999/slow:1', AbortSignal.timeout(30_000)), (err: unknown) =>
        err instanceof ImagePullError && /timed out after 1500 ms|Timeout exceeded/.test(err.message));
      assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
    } finally {
      if (silent.pid) process.kill(-silent.pid, 'SIGKILL'); // its process group: nc and its sleeps
    }
  });

  it('stops deleted pods gracefully: one exits on SIGTERM at once, one ignoring it is killed after its grace', async () => {
    const m = newManager();
    const polite = aPod('polite').withGrace(30).withContainer({ name: 'app', command: ['sh', '-c', TRAPS_TERM] }).build();
    const stubborn = aPod('stubborn').withContainer({ name: 'app', command: ['sh', '-c', IGNORES_TERM] }).build();
    m.setDesired([polite, stubborn]);
    await running('polite');
    await running('stubborn');
    const deletedAt = Date.now();
    m.setDesired([deleting(polite, 30), deleting(stubborn, 3)]);
    await wait('both terminated', () => reporter.terminatedAt.has('polite') && reporter.terminatedAt.has('stubborn'));
    const politeMs = (reporter.terminatedAt.get('polite') ?? 0) - deletedAt;
    const stubbornMs = (reporter.terminatedAt.get('stubborn') ?? 0) - deletedAt;
    assert.ok(politeMs < 2_500, `the SIGTERM-handling pod took ${politeMs} ms`);
    assert.ok(stubbornMs >= 2_900 && stubbornMs < 10_000, `the TERM-ignoring pod took ${stubbornMs} ms for a 3 s grace`);
    assert.equal(statusOf('polite')?.containerStatuses?.[0].state?.terminated?.exitCode, 0);
    assert.equal(statusOf('stubborn')?.containerStatuses?.[0].state?.terminated?.exitCode, 137);
    assert.deepEqual(await containersOf(polite.metadata.uid ?? ''), []);
    assert.deepEqual(await containersOf(stubborn.metadata.uid ?? ''), []);
  });

  it('a new manager re-adopts a running pod without restarting it and removes pods no longer desired', async () => {
    const first = newManager();
    const keep = aPod('keep').withContainer({ name: 'app', command: ['sh', '-c', TRAPS_TERM] }).build();
    const drop = aPod('drop').withGrace(1).withContainer({ name: 'app', command: ['sh', '-c', TRAPS_TERM] }).build();
    first.setDesired([keep, drop]);
    const before = await running('keep');
    await running('drop');
    const inspected = await fixture().docker.getContainer(idOf(before)).inspect();
    await first.dispose();
    assert.equal((await containersOf(keep.metadata.uid ?? '')).filter((c) => c.State === 'running').length, 2, 'agent shutdown leaves containers running');

    reporter = new RecordingReporter();
    newManager().setDesired([keep]);
    await wait('drop removed', async () => (await containersOf(drop.metadata.uid ?? '')).length === 0);
    const after = await running('keep');
    assert.equal(idOf(after), idOf(before), 'same container id');
    const again = await fixture().docker.getContainer(idOf(after)).inspect();
    assert.equal(again.State.StartedAt, inspected.State.StartedAt, 'not restarted');
    assert.equal(after.containerStatuses?.[0].restartCount, 0);
    assert.equal((await containersOf(keep.metadata.uid ?? '')).length, 2, 'no duplicates');
    assert.equal(reporter.terminatedAt.size, 0);
  });
});
