/**
 * The kubelet's pod lifecycle on the fake runtime with a fake clock: CrashLoopBackOff timings,
 * run-to-completion phases, init containers in order, native sidecars, lifecycle hooks, OOM,
 * the events a user sees in `kubectl describe pod`, and backoff surviving an agent restart.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Container, PersistentVolumeClaim, Pod, PodStatus } from '../../../../api/core-v1';
import type { PersistentVolume } from '../../../../api/storage-v1';
import type { StorageSource } from '../../../../agent/storage-objects';
import { identityOf } from '../../../../agent/pods/docker-labels';
import { PodManager, type PodManagerOptions } from '../../../../agent/pods/pod-manager';
import type { ConfigMap } from '../../../../api/config-v1';
import type { ConfigSource } from '../../../../agent/config-objects';
import type { PodEvent, PodReporter } from '../../../../agent/pods/pod-sink';
import type { Mounter } from '../../../../agent/volumes/tmpfs-mounter';
import { CgroupfsPodCgroupTree } from '../../../../agent/cgroups/cgroupfs-pod-cgroup-tree';
import { PodCgroups } from '../../../../agent/cgroups/pod-cgroups';
import { detectCgroupLayout } from '../../../../agent/cgroups/cgroup-layout';
import { FakeCgroupFiles } from '../cgroups/fake-cgroup-files';
import { until } from '../../../../scripts/cluster/wait-until';
import { FakeContainerRuntime, type FakeContainer } from './fake-container-runtime';
import { aPod } from './pod-builder';

class RecordingReporter implements PodReporter {
  readonly statuses = new Map<string, PodStatus[]>();
  readonly events: (PodEvent & { pod: string })[] = [];
  readonly terminated: string[] = [];

  reportStatus(pod: Pod, status: PodStatus): void {
    const name = pod.metadata.name ?? '';
    this.statuses.set(name, [...(this.statuses.get(name) ?? []), structuredClone(status)]);
  }

  reportTerminated(pod: Pod): void {
    this.terminated.push(pod.metadata.name ?? '');
  }

  reportEvent(pod: Pod, event: PodEvent): void {
    this.events.push({ pod: pod.metadata.name ?? '', ...event });
  }

  last(name: string): PodStatus | undefined {
    return this.statuses.get(name)?.at(-1);
  }

  reasons(pod: string): string[] {
    return this.events.filter((e) => e.pod === pod).map((e) => `${e.reason} ${e.fieldPath}: ${e.message}`);
  }
}

class FakeMounter implements Mounter {
  readonly mounted = new Map<string, number | undefined>();
  /** So many unmounts fail (target busy) before they work. */
  unmountFailures = 0;
  async mountTmpfs(dir: string, size: number | undefined): Promise<void> {
    this.mounted.set(dir, size);
  }
  async mountFilesystem(): Promise<void> {
    throw new Error('no network file systems in this test');
  }
  async unmount(dir: string): Promise<void> {
    if (this.unmountFailures > 0 && this.unmountFailures--) throw new Error(`umount ${dir}: target is busy`);
    this.mounted.delete(dir);
  }
  isMountPoint(dir: string): boolean {
    return this.mounted.has(dir);
  }
  async isLocalMountPoint(dir: string): Promise<boolean> {
    return this.isMountPoint(dir);
  }
}

function withInit(pod: Pod, ...inits: (Partial<Container> & { name: string })[]): Pod {
  pod.spec.initContainers = inits.map((c) => ({ image: 'pikube/busybox:latest', imagePullPolicy: 'IfNotPresent', ...c }));
  return pod;
}

describe('pod lifecycle (fake runtime, fake clock)', () => {
  let now: number;
  let runtime: FakeContainerRuntime;
  let reporter: RecordingReporter;
  let stateDir: string;
  let mounter: FakeMounter;
  const managers: PodManager[] = [];
  const logs: string[] = [];

  /**
   * The fake clock jumps while a worker's own wake-up timers are real: every relist gives every
   * pod a pass (sync period 0), so that a pass follows each jump of the clock.
   */
  function newManager(podCgroups?: PodCgroups, extra: Partial<PodManagerOptions> = {}): PodManager {
    const m = new PodManager({
      runtime, reporter, nodeName: 'pi1', hostIP: '192.168.1.11', cgroupRoot: '/pikube-pi1', stateDir, mounter, podCgroups,
      resyncIntervalMs: 20, syncIntervalMs: 0, clock: { now: () => now }, log: (l) => logs.push(l), ...extra,
    });
    managers.push(m);
    return m;
  }

  const wait = <T>(what: string, probe: () => T | undefined | false, timeoutMs = 3000) =>
    until(probe, { timeoutMs, intervalMs: 5, describe: () => `${what}; calls: ${runtime.calls.slice(-30).join(', ')}; logs: ${logs.slice(-10).join(' | ')}` });
  const attempts = (pod: string, c: string): FakeContainer[] => runtime.byName(`k8s_${c}_${pod}_`);
  const runningOf = (pod: string, c: string): FakeContainer | undefined => attempts(pod, c).find((x) => x.details.running);
  const restartsOf = (x: FakeContainer): number => identityOf(x.details.labels)?.restartCount ?? -1;
  const statusOf = (pod: string, c: string) => {
    const s = reporter.last(pod);
    return [...(s?.initContainerStatuses ?? []), ...(s?.containerStatuses ?? [])].find((x) => x.name === c);
  };
  /** The running attempt `n` of a container exits with `code`. */
  async function exitAttempt(pod: string, c: string, n: number, code: number, oom = false): Promise<void> {
    const x = await wait(`${c} attempt ${n} running`, () => attempts(pod, c).find((a) => a.details.running && restartsOf(a) === n));
    runtime.exit(x.details.id, code, oom);
  }

  beforeEach(() => {
    now = Date.parse('2025-03-01T10:00:00Z');
    runtime = new FakeContainerRuntime(() => now);
    runtime.addImage('pikube/busybox:latest');
    runtime.addImage('pikube/pause:latest');
    reporter = new RecordingReporter();
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'pikube-lifecycle-'));
    mounter = new FakeMounter();
    logs.length = 0;
  });

  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.dispose()));
    rmSync(stateDir, { recursive: true, force: true });
  });

  describe('restarts and CrashLoopBackOff', () => {
    it('backs off 10 s, 20 s, 40 s, 80 s, 160 s, then 300 s (the cap), counting from each exit', async () => {
      newManager().setDesired([aPod('crash').withContainer({ name: 'app' }).build()]);
      await exitAttempt('crash', 'app', 0, 1);
      const delays: string[] = [];
      for (let n = 1; n <= 7; n++) {
        await exitAttempt('crash', 'app', n, 1);
        const waiting = await wait(`CrashLoopBackOff after attempt ${n}`, () => {
          const w = statusOf('crash', 'app')?.state?.waiting;
          return w?.reason === 'CrashLoopBackOff' && statusOf('crash', 'app')?.restartCount === n && w;
        });
        const delay = /^back-off (\S+) restarting failed container=app pod=crash_default\(.+\)$/.exec(waiting.message ?? '')?.[1];
        delays.push(delay ?? `bad message: ${waiting.message}`);
        const ms = { '10s': 10_000, '20s': 20_000, '40s': 40_000, '1m20s': 80_000, '2m40s': 160_000, '5m0s': 300_000 }[delay ?? ''] ?? 0;
        now += ms - 1;
        await new Promise((r) => setTimeout(r, 60));
        assert.equal(runningOf('crash', 'app'), undefined, `no restart before the ${delay} back-off ends`);
        now += 1;
      }
      assert.deepEqual(delays, ['10s', '20s', '40s', '1m20s', '2m40s', '5m0s', '5m0s']);
      await wait('restart 8', () => runningOf('crash', 'app') && restartsOf(runningOf('crash', 'app')!) === 8);
    });

    it('forgets the backoff after 10 minutes of clean running', async () => {
      newManager().setDesired([aPod('crash').withContainer({ name: 'app' }).build()]);
      await exitAttempt('crash', 'app', 0, 1);
      await exitAttempt('crash', 'app', 1, 1);
      await wait('back-off 10s', () => statusOf('crash', 'app')?.state?.waiting?.message?.startsWith('back-off 10s'));
      now += 10_000;
      await wait('restart 2', () => runningOf('crash', 'app') && restartsOf(runningOf('crash', 'app')!) === 2);
      now += 11 * 60_000;
      await exitAttempt('crash', 'app', 2, 1);
      await wait('restarted at once', () => runningOf('crash', 'app') && restartsOf(runningOf('crash', 'app')!) === 3);
      await exitAttempt('crash', 'app', 3, 1);
      await wait('back-off 10s again', () => statusOf('crash', 'app')?.state?.waiting?.message?.startsWith('back-off 10s'));
    });

    it('records lastState.terminated (exit code, reason, times, container id) and a BackOff event', async () => {
      newManager().setDesired([aPod('crash').withContainer({ name: 'app' }).build()]);
      const first = await wait('running', () => runningOf('crash', 'app'));
      await exitAttempt('crash', 'app', 0, 3);
      await exitAttempt('crash', 'app', 1, 3);
      await wait('CrashLoopBackOff', () => statusOf('crash', 'app')?.state?.waiting?.reason === 'CrashLoopBackOff');
      const last = statusOf('crash', 'app')?.lastState?.terminated;
      assert.equal(last?.exitCode, 3);
      assert.equal(last?.reason, 'Error');
      assert.equal(last?.finishedAt, '2025-03-01T10:00:00Z');
      assert.notEqual(last?.containerID, `docker://${first.details.id}`, 'lastState is the latest exited attempt');
      assert.equal(reporter.last('crash')?.phase, 'Running');
      const backOff = reporter.events.filter((e) => e.reason === 'BackOff');
      assert.equal(backOff.length, 1);
      assert.match(backOff[0].message, /^Back-off restarting failed container app in pod crash_default\(.+\)$/);
      assert.equal(backOff[0].type, 'Warning');
    });

    it('keeps only the previous exited attempt of a container (for logs --previous), removing older ones', async () => {
      newManager().setDesired([aPod('crash').withContainer({ name: 'app' }).build()]);
      await exitAttempt('crash', 'app', 0, 1);
      await exitAttempt('crash', 'app', 1, 1);
      now += 10_000;
      await exitAttempt('crash', 'app', 2, 1);
      await wait('two attempts kept', () => attempts('crash', 'app').length === 2);
      assert.deepEqual(attempts('crash', 'app').map(restartsOf).sort(), [1, 2]);
    });

    it('Succeeds an OnFailure pod whose container exits 0, and restarts it on a failure', async () => {
      newManager().setDesired([aPod('job').withRestartPolicy('OnFailure').withContainer({ name: 'app' }).build()]);
      await exitAttempt('job', 'app', 0, 1);
      await exitAttempt('job', 'app', 1, 0);
      const s = await wait('Succeeded', () => reporter.last('job')?.phase === 'Succeeded' && reporter.last('job'));
      assert.equal(s.containerStatuses?.[0].state?.terminated?.reason, 'Completed');
      assert.equal(s.containerStatuses?.[0].restartCount, 1);
    });

    it('Fails a Never pod whose container fails, without restarting it', async () => {
      newManager().setDesired([aPod('once').withRestartPolicy('Never').withContainer({ name: 'app' }).build()]);
      await exitAttempt('once', 'app', 0, 2);
      await wait('Failed', () => reporter.last('once')?.phase === 'Failed');
      assert.equal(attempts('once', 'app').length, 1);
    });

    it('reports an OOM kill as OOMKilled with an OOMKilling event, then applies the restart policy', async () => {
      const pod = aPod('hog').withContainer({ name: 'app', resources: { limits: { memory: '16Mi' } } }).build();
      newManager().setDesired([pod]);
      await exitAttempt('hog', 'app', 0, 137, true);
      await wait('restarted', () => runningOf('hog', 'app') && restartsOf(runningOf('hog', 'app')!) === 1);
      await wait('lastState OOMKilled', () => statusOf('hog', 'app')?.lastState?.terminated?.reason === 'OOMKilled');
      const oom = reporter.events.find((e) => e.reason === 'OOMKilling');
      assert.deepEqual([oom?.type, oom?.fieldPath], ['Warning', 'spec.containers{app}']);
      assert.match(oom?.message ?? '', /container app \(memory limit 16Mi\)/);
    });

    it('emits Pulled, Created and Started for each start, as the kubelet words them', async () => {
      newManager().setDesired([aPod('web').withContainer({ name: 'app' }).build()]);
      await wait('Started', () => reporter.events.some((e) => e.reason === 'Started'));
      assert.deepEqual(reporter.reasons('web'), [
        'Pulled spec.containers{app}: Container image "pikube/busybox:latest" already present on machine',
        'Created spec.containers{app}: Created container app',
        'Started spec.containers{app}: Started container app',
      ]);
    });
  });

  describe('backoff across an agent restart', () => {
    it('comes back in the same CrashLoopBackOff, from the state directory, without restarting early', async () => {
      const first = newManager();
      const pod = aPod('crash').withContainer({ name: 'app' }).build();
      first.setDesired([pod]);
      await exitAttempt('crash', 'app', 0, 1);
      await exitAttempt('crash', 'app', 1, 1);
      now += 10_000;
      await exitAttempt('crash', 'app', 2, 1);
      await wait('back-off 20s', () => statusOf('crash', 'app')?.state?.waiting?.message?.startsWith('back-off 20s'));
      await first.dispose();
      assert.ok(existsSync(path.join(stateDir, 'container-backoff.json')));

      reporter = new RecordingReporter();
      const calls = runtime.calls.length;
      const second = newManager();
      second.setDesired([pod]);
      await wait('back-off 20s after restart', () => statusOf('crash', 'app')?.state?.waiting?.message?.startsWith('back-off 20s'));
      now += 15_000;
      await new Promise((r) => setTimeout(r, 80));
      assert.deepEqual(runtime.calls.slice(calls).filter((c) => c.startsWith('create')), [], 'still backing off');
      now += 5_000;
      await wait('restart 3', () => runningOf('crash', 'app') && restartsOf(runningOf('crash', 'app')!) === 3);
    });
  });

  describe('init containers', () => {
    it('runs init containers one at a time, in order, each to success, before the app containers', async () => {
      const pod = withInit(aPod('init').withContainer({ name: 'app' }).build(), { name: 'first' }, { name: 'second' });
      newManager().setDesired([pod]);
      await wait('first running', () => runningOf('init', 'first'));
      await wait('Init:0/2-style status', () => reporter.last('init')?.initContainerStatuses?.[0].state?.running);
      const s = reporter.last('init')!;
      assert.equal(s.phase, 'Pending');
      assert.deepEqual(s.initContainerStatuses?.[1].state, { waiting: { reason: 'PodInitializing' } });
      assert.deepEqual(s.containerStatuses?.[0].state, { waiting: { reason: 'PodInitializing' } });
      const init = s.conditions?.find((c) => c.type === 'Initialized');
      assert.deepEqual([init?.status, init?.reason, init?.message], ['False', 'ContainersNotInitialized', 'containers with incomplete status: [first second]']);
      assert.equal(attempts('init', 'second').length, 0);
      await exitAttempt('init', 'first', 0, 0);
      await exitAttempt('init', 'second', 0, 0);
      await wait('app running', () => runningOf('init', 'app'));
      const done = await wait('Running', () => reporter.last('init')?.phase === 'Running' && reporter.last('init'));
      assert.equal(done.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
      assert.deepEqual(done.initContainerStatuses?.map((c) => [c.state?.terminated?.reason, c.ready]), [['Completed', true], ['Completed', true]]);
      const order = runtime.calls.filter((c) => c.startsWith('start k8s_') && !c.includes('_POD_')).map((c) => c.split('_')[1]);
      assert.deepEqual(order, ['first', 'second', 'app']);
    });

    it('restarts a failing init container with backoff (Always pod), then goes on', async () => {
      const pod = withInit(aPod('init').withContainer({ name: 'app' }).build(), { name: 'setup' });
      newManager().setDesired([pod]);
      await exitAttempt('init', 'setup', 0, 1);
      await exitAttempt('init', 'setup', 1, 1);
      await wait('Init CrashLoopBackOff', () => statusOf('init', 'setup')?.state?.waiting?.reason === 'CrashLoopBackOff');
      assert.equal(reporter.last('init')?.phase, 'Pending');
      assert.equal(attempts('init', 'app').length, 0);
      now += 10_000;
      await exitAttempt('init', 'setup', 2, 0);
      await wait('app running', () => runningOf('init', 'app'));
      assert.equal(statusOf('init', 'setup')?.restartCount, 2);
    });

    it('fails a restartPolicy Never pod whose init container fails, never starting the app', async () => {
      const pod = withInit(aPod('init').withRestartPolicy('Never').withContainer({ name: 'app' }).build(), { name: 'setup' });
      newManager().setDesired([pod]);
      await exitAttempt('init', 'setup', 0, 1);
      await wait('Failed', () => reporter.last('init')?.phase === 'Failed');
      await new Promise((r) => setTimeout(r, 60));
      assert.equal(attempts('init', 'setup').length, 1);
      assert.equal(attempts('init', 'app').length, 0);
      assert.equal(statusOf('init', 'setup')?.state?.terminated?.reason, 'Error');
    });
    it('runs every init container again, from the first, when the sandbox is re-created', async () => {
      const pod = withInit(aPod('resand').withContainer({ name: 'app' }).build(), { name: 'first' }, { name: 'second' });
      newManager().setDesired([pod]);
      await exitAttempt('resand', 'first', 0, 0);
      await exitAttempt('resand', 'second', 0, 0);
      await wait('app running', () => runningOf('resand', 'app'));
      const startsBefore = runtime.calls.filter((c) => c.startsWith('start k8s_')).length;
      runtime.exit(runningOf('resand', 'POD')!.details.id, 137);
      await wait('a new sandbox', () => runningOf('resand', 'POD') && reporter.reasons('resand').some((r) => r.startsWith('SandboxChanged')));
      await wait('first again', () => runningOf('resand', 'first'));
      assert.equal(runningOf('resand', 'app'), undefined, 'the app was killed with its sandbox');
      await exitAttempt('resand', 'first', 0, 0);
      await exitAttempt('resand', 'second', 0, 0);
      await wait('app running again', () => runningOf('resand', 'app'));
      const order = runtime.calls.filter((c) => c.startsWith('start k8s_')).slice(startsBefore).map((c) => c.split('_')[1]);
      assert.deepEqual(order, ['POD', 'first', 'second', 'app']);
      assert.equal(statusOf('resand', 'app')?.restartCount, 1);
    });

    it('kills a Never pod whose sandbox died instead of giving it a new one', async () => {
      const pod = withInit(aPod('nosand').withRestartPolicy('Never').withContainer({ name: 'app' }).build(), { name: 'setup' });
      newManager().setDesired([pod]);
      await exitAttempt('nosand', 'setup', 0, 0);
      await wait('app running', () => runningOf('nosand', 'app'));
      runtime.exit(runningOf('nosand', 'POD')!.details.id, 137);
      await wait('Failed', () => reporter.last('nosand')?.phase === 'Failed');
      await new Promise((r) => setTimeout(r, 60));
      assert.equal(attempts('nosand', 'POD').length, 1, 'no new sandbox');
      assert.equal(attempts('nosand', 'setup').length, 1, 'the init container is not run again');
      assert.equal(statusOf('nosand', 'app')?.state?.terminated?.exitCode, 143);
    });
  });

  describe('native sidecars (init containers with restartPolicy Always)', () => {
    it('starts sidecars in order before the next init container, keeps them running with the app', async () => {
      const pod = withInit(aPod('side').withContainer({ name: 'app' }).build(),
        { name: 'proxy', restartPolicy: 'Always' }, { name: 'setup' }, { name: 'logger', restartPolicy: 'Always' });
      newManager().setDesired([pod]);
      await wait('setup running', () => runningOf('side', 'setup'));
      assert.ok(runningOf('side', 'proxy'), 'the sidecar keeps running while the next init container runs');
      await exitAttempt('side', 'setup', 0, 0);
      await wait('app running', () => runningOf('side', 'app'));
      assert.ok(runningOf('side', 'proxy') && runningOf('side', 'logger'));
      const order = runtime.calls.filter((c) => c.startsWith('start k8s_') && !c.includes('_POD_')).map((c) => c.split('_')[1]);
      assert.deepEqual(order, ['proxy', 'setup', 'logger', 'app']);
      const s = await wait('2/2 ready', () => reporter.last('side')?.phase === 'Running' && reporter.last('side')?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' && reporter.last('side'));
      assert.equal(s.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
    });

    it('restarts a sidecar that exits, whatever the pod restart policy', async () => {
      const pod = withInit(aPod('side').withRestartPolicy('Never').withContainer({ name: 'app' }).build(), { name: 'proxy', restartPolicy: 'Always' });
      newManager().setDesired([pod]);
      await wait('app running', () => runningOf('side', 'app'));
      await exitAttempt('side', 'proxy', 0, 0);
      await wait('sidecar restarted', () => runningOf('side', 'proxy') && restartsOf(runningOf('side', 'proxy')!) === 1);
      assert.equal(reporter.last('side')?.phase, 'Running');
    });

    it('stops the sidecars (last first) once the app containers completed, and the pod Succeeds', async () => {
      const pod = withInit(aPod('job').withRestartPolicy('Never').withContainer({ name: 'app' }).build(),
        { name: 'first', restartPolicy: 'Always' }, { name: 'second', restartPolicy: 'Always' });
      newManager().setDesired([pod]);
      await wait('app running', () => runningOf('job', 'app'));
      await exitAttempt('job', 'app', 0, 0);
      await wait('Succeeded', () => reporter.last('job')?.phase === 'Succeeded');
      const stops = runtime.calls.filter((c) => c.startsWith('stop k8s_first') || c.startsWith('stop k8s_second')).map((c) => c.split('_')[1]);
      assert.deepEqual(stops, ['second', 'first']);
      assert.equal(runningOf('job', 'first'), undefined);
    });
  });

  describe('lifecycle hooks', () => {
    it('runs postStart right after start; a failure kills the container (FailedPostStartHook, PostStartHookError)', async () => {
      runtime.execHandler = (c, cmd) => (cmd.includes('poststart') ? { exitCode: 7, output: 'nope' } : { exitCode: 0, output: '' });
      const pod = aPod('hook').withContainer({ name: 'app', lifecycle: { postStart: { exec: { command: ['sh', '-c', 'poststart'] } } } }).build();
      newManager().setDesired([pod]);
      const waitingOf = () => (reporter.statuses.get('hook') ?? []).map((s) => s.containerStatuses?.[0].state?.waiting).find((w) => w?.reason === 'PostStartHookError');
      const waiting = await wait('hook error', waitingOf);
      assert.match(waiting?.message ?? '', /^Exec lifecycle hook \(\[sh -c poststart\]\) for Container "app" in Pod "hook_default\(.+\)" failed - error: command 'sh -c poststart' exited with 7: nope, message: "nope"$/);
      const reasons = reporter.reasons('hook');
      assert.deepEqual(reasons.slice(0, 5).map((r) => r.split(':')[0]), ['Pulled spec.containers{app}', 'Created spec.containers{app}', 'Started spec.containers{app}', 'FailedPostStartHook spec.containers{app}', 'Killing spec.containers{app}']);
      assert.ok(reasons.includes('FailedPostStartHook spec.containers{app}: PostStartHook failed'));
      assert.ok(reasons.includes('Killing spec.containers{app}: FailedPostStartHook'));
      const calls = runtime.calls.filter((c) => c.includes('k8s_app_hook'));
      assert.deepEqual(calls.slice(0, 4).map((c) => c.split(' ')[0]), ['create', 'start', 'exec', 'stop']);
      await wait('restarted per policy', () => attempts('hook', 'app').length === 2);
    });

    it('runs preStop before the stop signal on deletion, within the grace period', async () => {
      const m = newManager();
      const pod = aPod('stop').withGrace(5).withContainer({ name: 'app', lifecycle: { preStop: { exec: { command: ['sh', '-c', 'drain'] } } } }).build();
      m.setDesired([pod]);
      await wait('running', () => runningOf('stop', 'app'));
      m.setDesired([{ ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2025-03-01T10:01:00Z', deletionGracePeriodSeconds: 5 } }]);
      await wait('terminated', () => reporter.terminated.includes('stop'));
      const calls = runtime.calls.filter((c) => c.includes('k8s_app_stop') && (c.startsWith('exec') || c.startsWith('stop')));
      assert.deepEqual(calls, ['exec k8s_app_stop_default_' + pod.metadata.uid + '_0 sh -c drain', 'stop k8s_app_stop_default_' + pod.metadata.uid + '_0 SIGTERM 5']);
      assert.ok(reporter.reasons('stop').includes('Killing spec.containers{app}: Stopping container app'));
    });

    it('goes on stopping when preStop fails, with a FailedPreStopHook event', async () => {
      runtime.execHandler = () => ({ exitCode: 1, output: '' });
      const m = newManager();
      const pod = aPod('stop').withGrace(5).withContainer({ name: 'app', lifecycle: { preStop: { exec: { command: ['false'] } } } }).build();
      m.setDesired([pod]);
      await wait('running', () => runningOf('stop', 'app'));
      m.setDesired([]);
      await wait('removed', () => runtime.containers.size === 0);
      assert.ok(reporter.reasons('stop').includes('FailedPreStopHook spec.containers{app}: PreStopHook failed'));
    });

    it('bounds a hanging preStop by the grace period and still stops with the 2 s minimum', async function () {
      this.timeout(6000);
      let hookTimeoutMs = 0;
      runtime.execHandler = (_c, _cmd, opts) => {
        hookTimeoutMs = opts.timeoutMs;
        return new Promise((_resolve, reject) => AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)]).addEventListener('abort', () => reject(new Error('timed out'))));
      };
      const m = newManager();
      const pod = aPod('stop').withGrace(1).withContainer({ name: 'app', lifecycle: { preStop: { exec: { command: ['hang'] } } } }).build();
      m.setDesired([pod]);
      await wait('running', () => runningOf('stop', 'app'));
      const started = Date.now();
      m.setDesired([]);
      await wait('removed', () => runtime.containers.size === 0, 5000);
      assert.ok(Date.now() - started >= 900 && hookTimeoutMs <= 1000 && hookTimeoutMs > 900, `the hook had the grace period (${hookTimeoutMs} ms)`);
      assert.ok(reporter.reasons('stop').includes('FailedPreStopHook spec.containers{app}: PreStopHook failed'));
      assert.ok(runtime.calls.some((c) => /^stop k8s_app_stop_.* SIGTERM 2$/.test(c)), runtime.calls.join('\n'));
    });
  });

  describe('pod cgroups (agent/cgroups)', () => {
    it('puts the pause and app containers in the pod cgroup of its QoS class, removed with the pod', async () => {
      const fs = FakeCgroupFiles.v1();
      const cgroups = new PodCgroups(new CgroupfsPodCgroupTree('/pikube-pi1', detectCgroupLayout(fs, '/sys/fs/cgroup'), fs));
      const m = newManager(cgroups);
      const pod = aPod('qos').withContainer({ name: 'app', resources: { requests: { cpu: '100m' } } }).build();
      m.setDesired([pod]);
      await wait('running', () => runningOf('qos', 'app'));
      const podCgroup = `/pikube-pi1/burstable/pod${pod.metadata.uid}`;
      assert.equal(runningOf('qos', 'app')?.spec.cgroupParent, podCgroup);
      assert.equal(runtime.byName('k8s_POD_qos_')[0].spec.cgroupParent, podCgroup);
      assert.deepEqual((await cgroups.listPodCgroups()).map((c) => c.uid), [pod.metadata.uid]);
      m.setDesired([]);
      await wait('cgroup removed', () => runtime.containers.size === 0 && !fs.exists(`/sys/fs/cgroup/memory${podCgroup}`) && !fs.exists(`/sys/fs/cgroup/cpu,cpuacct${podCgroup}`));
    });
  });

  describe('probes (through the probe manager)', () => {
    it('kills and restarts a container whose liveness probe fails, with Unhealthy and Killing events', async function () {
      this.timeout(8000);
      runtime.execHandler = (_c, cmd) => ({ exitCode: cmd.includes('alive') ? 1 : 0, output: cmd.includes('alive') ? 'dead' : '' });
      const pod = aPod('live').withGrace(1).withContainer({ name: 'app', livenessProbe: { exec: { command: ['alive'] }, periodSeconds: 1, failureThreshold: 1 } }).build();
      newManager().setDesired([pod]);
      // A restarted attempt exists (it may already be killed again: the probe keeps failing every second).
      await wait('restarted', () => attempts('live', 'app').some((x) => restartsOf(x) === 1), 6000);
      const reasons = reporter.reasons('live');
      assert.ok(reasons.includes('Unhealthy spec.containers{app}: Liveness probe failed: dead'), reasons.join('\n'));
      assert.ok(reasons.includes('Killing spec.containers{app}: Container app failed liveness probe, will be restarted'), reasons.join('\n'));
    });

    it('keeps a container unready while its readiness probe fails, and a sidecar with a startup probe holds the next init step', async function () {
      this.timeout(8000);
      let ready = false;
      let up = false;
      runtime.execHandler = (_c, cmd) => ({ exitCode: (cmd.includes('ready') && !ready) || (cmd.includes('up') && !up) ? 1 : 0, output: '' });
      const pod = withInit(aPod('probed').withContainer({ name: 'app', readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 1 } }).build(),
        { name: 'proxy', restartPolicy: 'Always', startupProbe: { exec: { command: ['up'] }, periodSeconds: 1 } });
      newManager().setDesired([pod]);
      await wait('sidecar probed', () => runtime.calls.some((c) => c.startsWith('exec k8s_proxy')));
      await new Promise((r) => setTimeout(r, 1200));
      assert.equal(attempts('probed', 'app').length, 0, 'the app waits for the sidecar to be started');
      assert.equal(statusOf('probed', 'proxy')?.started, false);
      up = true;
      await wait('app running', () => runningOf('probed', 'app'), 6000);
      const s = await wait('Running, unready', () => reporter.last('probed')?.phase === 'Running' && reporter.last('probed'));
      assert.equal(s.containerStatuses?.[0].ready, false);
      assert.equal(s.initContainerStatuses?.[0].started, true);
      ready = true;
      await wait('ready', () => reporter.last('probed')?.conditions?.find((c) => c.type === 'Ready')?.status === 'True', 6000);
    });
  });

  describe('volumes', () => {
    it('shares an emptyDir between containers as a bind mount of a per-pod directory, removed with the pod', async () => {
      const m = newManager();
      const pod = aPod('vol').withContainer({ name: 'app', volumeMounts: [{ name: 'data', mountPath: '/data' }] })
        .withContainer({ name: 'side', volumeMounts: [{ name: 'data', mountPath: '/shared', readOnly: true }, { name: 'mem', mountPath: '/mem' }] }).build();
      pod.spec.volumes = [{ name: 'data', emptyDir: {} }, { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } }];
      m.setDesired([pod]);
      await wait('running', () => runningOf('vol', 'app') && runningOf('vol', 'side'));
      const dir = path.join(stateDir, 'pods', pod.metadata.uid!, 'volumes', 'kubernetes.io~empty-dir');
      assert.deepEqual(runningOf('vol', 'app')?.spec.mounts, [{ source: path.join(dir, 'data'), target: '/data', readOnly: false }]);
      assert.deepEqual(runningOf('vol', 'side')?.spec.mounts, [
        { source: path.join(dir, 'data'), target: '/shared', readOnly: true }, { source: path.join(dir, 'mem'), target: '/mem', readOnly: false },
      ]);
      assert.deepEqual([...mounter.mounted], [[path.join(dir, 'mem'), 8 * 1024 * 1024]]);
      m.setDesired([]);
      await wait('pod dir removed', () => runtime.containers.size === 0 && !existsSync(path.join(stateDir, 'pods', pod.metadata.uid!)));
      assert.equal(mounter.mounted.size, 0);
    });

    it('tears down every hook when a volume cannot be unmounted, reports it, and finishes once it can', async function () {
      this.timeout(6000);
      const fs = FakeCgroupFiles.v1();
      const cgroups = new PodCgroups(new CgroupfsPodCgroupTree('/pikube-pi1', detectCgroupLayout(fs, '/sys/fs/cgroup'), fs));
      const m = newManager(cgroups);
      const pod = aPod('busy').withContainer({ name: 'app', volumeMounts: [{ name: 'mem', mountPath: '/mem' }] }).build();
      pod.spec.volumes = [{ name: 'mem', emptyDir: { medium: 'Memory' } }];
      m.setDesired([pod]);
      await wait('running', () => runningOf('busy', 'app'));
      const podCgroup = `/sys/fs/cgroup/memory/pikube-pi1/besteffort/pod${pod.metadata.uid}`;
      const podDir = path.join(stateDir, 'pods', pod.metadata.uid!);
      assert.ok(fs.exists(podCgroup));
      mounter.unmountFailures = Number.MAX_SAFE_INTEGER;
      m.setDesired([]);
      const failed = await wait('teardown failed', () => logs.find((l) => l.includes('terminating failed')));
      assert.match(failed, /tearing down pod .*: 1 of 3 hooks failed: volumes: unmounting volumes of pod .* failed: umount .*: target is busy/);
      // The cgroup and probe hooks ran although the volumes hook failed before them; the volume stays while it cannot unmount.
      assert.equal(fs.exists(podCgroup), false);
      assert.equal(existsSync(podDir), true);
      mounter.unmountFailures = 0;
      await wait('pod dir removed on a retry', () => !existsSync(podDir));
      assert.equal(mounter.mounted.size, 0);
    });

    it('holds a pod whose ConfigMap volume is missing in ContainerCreating, with FailedMount', async () => {
      const pod = aPod('cfg').withContainer({ name: 'app', volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }] }).build();
      pod.spec.volumes = [{ name: 'cfg', configMap: { name: 'settings' } }];
      newManager().setDesired([pod]);
      await wait('waiting for the volume', () => statusOf('cfg', 'app')?.state?.waiting?.reason === 'ContainerCreating' && reporter.events.some((e) => e.reason === 'FailedMount'));
      const mount = reporter.events.find((e) => e.reason === 'FailedMount');
      assert.deepEqual([mount?.type, mount?.fieldPath, mount?.message], ['Warning', '', 'MountVolume.SetUp failed for volume "cfg" : configmap "settings" not found']);
      assert.equal(attempts('cfg', 'app').length, 0);
    });

    it('waits in ContainerCreating for an unbound claim (FailedMount) and starts, with the volume\'s directory mounted, once it binds', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-claim-'));
      const volumeDir = path.join(dir, 'pvc-1_default_www-web-0');
      const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'www-web-0', namespace: 'default' }, spec: {}, status: { phase: 'Pending' } } as PersistentVolumeClaim;
      const volume: PersistentVolume = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pvc-1', annotations: { 'pv.kubernetes.io/provisioned-by': 'pikube.dev/local-path' } }, spec: { hostPath: { path: volumeDir, type: 'DirectoryOrCreate' } } };
      const storage: StorageSource = { localPathDir: dir, claim: (ns, name) => (ns === 'default' && name === 'www-web-0' ? claim : undefined), volume: (n) => (n === 'pvc-1' ? volume : undefined) };
      const pod = aPod('web-0').withContainer({ name: 'app', volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }).build();
      pod.spec.volumes = [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } }];
      const m = newManager(undefined, { storage, resyncIntervalMs: 60_000 });
      m.setDesired([pod]);
      await wait('waiting for its volume', () => statusOf('web-0', 'app')?.state?.waiting?.reason === 'ContainerCreating' && reporter.events.some((e) => e.reason === 'FailedMount'));
      assert.equal(reporter.events.find((e) => e.reason === 'FailedMount')?.message, 'MountVolume.SetUp failed for volume "www" : PVC default/www-web-0 is not bound');
      assert.equal(attempts('web-0', 'app').length, 0);
      claim.spec = { volumeName: 'pvc-1' };
      claim.status = { phase: 'Bound' };
      m.storageChanged();
      const started = await wait('started once bound', () => runningOf('web-0', 'app'), 1000);
      assert.deepEqual((started.spec.mounts ?? []).filter((x) => x.target === '/usr/share/nginx/html'), [{ source: volumeDir, target: '/usr/share/nginx/html', readOnly: false }]);
      assert.ok(statSync(volumeDir).isDirectory());
      rmSync(dir, { recursive: true, force: true });
    });

    it('mounts a readOnly claim volume read-only into every container', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-claim-'));
      const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'shared', namespace: 'default' }, spec: { volumeName: 'pv-ro' }, status: { phase: 'Bound' } } as PersistentVolumeClaim;
      const volume: PersistentVolume = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-ro' }, spec: { hostPath: { path: dir, type: 'Directory' } } };
      const storage: StorageSource = { localPathDir: '/nowhere', claim: (_ns, name) => (name === 'shared' ? claim : undefined), volume: (n) => (n === 'pv-ro' ? volume : undefined) };
      const pod = aPod('reader').withContainer({ name: 'app', volumeMounts: [{ name: 'shared', mountPath: '/shared' }] }).build();
      pod.spec.volumes = [{ name: 'shared', persistentVolumeClaim: { claimName: 'shared', readOnly: true } }];
      newManager(undefined, { storage }).setDesired([pod]);
      const started = await wait('started', () => runningOf('reader', 'app'), 2000);
      assert.deepEqual((started.spec.mounts ?? []).filter((x) => x.target === '/shared'), [{ source: dir, target: '/shared', readOnly: true }]);
      rmSync(dir, { recursive: true, force: true });
    });

    it('starts a container waiting for its ConfigMap as soon as it is delivered, woken rather than polled', async () => {
      const delivered: ConfigMap[] = [];
      const config: ConfigSource = { configMap: (ns, name) => delivered.find((c) => c.metadata.namespace === ns && c.metadata.name === name), secret: () => undefined };
      const pod = aPod('env').withContainer({ name: 'app', env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } }] }).build();
      const m = newManager(undefined, { config, resyncIntervalMs: 60_000 });
      m.setDesired([pod]);
      await wait('config error', () => statusOf('env', 'app')?.state?.waiting?.reason === 'CreateContainerConfigError');
      assert.equal(statusOf('env', 'app')?.state?.waiting?.message, 'configmap "settings" not found');
      assert.ok(reporter.events.some((e) => e.reason === 'Failed' && e.message === 'Error: configmap "settings" not found'));
      delivered.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: pod.metadata.namespace }, data: { mode: 'fast' } });
      m.configChanged({ configMaps: [`${pod.metadata.namespace}/settings`], secrets: [] });
      const started = await wait('started after delivery', () => runningOf('env', 'app'), 1000);
      assert.ok(started.spec.env.includes('MODE=fast'), started.spec.env.join(' '));
    });
  });
});
