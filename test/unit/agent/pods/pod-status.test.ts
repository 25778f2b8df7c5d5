import assert from 'node:assert/strict';
import type { Pod, PodStatus } from '../../../../api/core-v1';
import { labelsFor } from '../../../../agent/pods/docker-labels';
import { computePodStatus, type ObservedContainer, type PodStatusInput } from '../../../../agent/pods/pod-status';
import type { ContainerDetails } from '../../../../agent/runtime/container-runtime';
import { aPod } from './pod-builder';

const T0 = Date.parse('2025-03-01T10:00:00Z');

function details(over: Partial<ContainerDetails> & { restartCount?: number } = {}): ContainerDetails {
  const { restartCount = 0, ...rest } = over;
  const labels = labelsFor({ podUid: 'u', podName: 'web', podNamespace: 'default', containerName: 'app', kind: 'container', restartCount, gracePeriodSeconds: 30 });
  return {
    id: `id${restartCount}`, name: 'n', labels, status: 'running', image: 'img', imageId: 'sha256:1', running: true, exitCode: 0,
    oomKilled: false, startedAt: '2025-03-01T09:59:00.123456789Z', stopSignal: 'SIGTERM', ...rest,
  };
}

const exited = (exitCode: number, over: Partial<ContainerDetails> & { restartCount?: number } = {}): ContainerDetails =>
  details({ running: false, status: 'exited', exitCode, finishedAt: '2025-03-01T09:59:30Z', ...over });

function statusOf(pod: Pod, app: ObservedContainer, over: Partial<PodStatusInput> = {}): PodStatus {
  return computePodStatus({
    pod, hostIP: '192.168.1.11', nowMs: T0, startTime: '2025-03-01T09:58:00Z', podIP: '10.42.1.5', sandboxReady: true,
    containers: { app }, imageIdOf: (d) => `docker://${d.imageId}`, terminal: false, ...over,
  });
}

const condition = (s: PodStatus, type: string) => s.conditions?.find((c) => c.type === type);
const app = () => aPod('web', 'u').withContainer({ name: 'app', image: 'img' });

describe('pod status', () => {
  it('is Pending with ContainerCreating before the container exists', () => {
    const s = statusOf(app().build(), {});
    assert.equal(s.phase, 'Pending');
    assert.deepEqual(s.containerStatuses?.[0], {
      name: 'app', state: { waiting: { reason: 'ContainerCreating' } }, lastState: {}, ready: false, restartCount: 0, image: 'img', imageID: '', started: false,
    });
    assert.deepEqual(condition(s, 'Ready'), {
      type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: '2025-03-01T10:00:00Z', reason: 'ContainersNotReady', message: 'containers with unready status: [app]',
    });
    assert.equal(condition(s, 'PodScheduled')?.status, 'True');
    assert.equal(condition(s, 'Initialized')?.status, 'True');
  });

  it('is Running and Ready with a running container, reporting ids, IPs and times at second precision', () => {
    const s = statusOf(app().build(), { current: details() });
    assert.equal(s.phase, 'Running');
    assert.deepEqual([s.podIP, s.podIPs, s.hostIP, s.startTime], ['10.42.1.5', [{ ip: '10.42.1.5' }], '192.168.1.11', '2025-03-01T09:58:00Z']);
    const c = s.containerStatuses?.[0];
    assert.deepEqual(c?.state, { running: { startedAt: '2025-03-01T09:59:00Z' } });
    assert.deepEqual([c?.ready, c?.started, c?.containerID, c?.imageID], [true, true, 'docker://id0', 'docker://sha256:1']);
    assert.equal(condition(s, 'Ready')?.status, 'True');
    assert.equal(condition(s, 'ContainersReady')?.status, 'True');
  });

  const completions: [string, 'Never' | 'OnFailure' | 'Always', ContainerDetails, string, string][] = [
    ['Never, exit 0', 'Never', exited(0), 'Succeeded', 'Completed'],
    ['Never, exit 1', 'Never', exited(1), 'Failed', 'Error'],
    ['OnFailure, exit 0', 'OnFailure', exited(0), 'Succeeded', 'Completed'],
    ['Never, OOM killed', 'Never', exited(137, { oomKilled: true }), 'Failed', 'OOMKilled'],
    ['Always, exited (about to restart)', 'Always', exited(0), 'Running', 'Completed'],
  ];
  for (const [what, policy, current, phase, reason] of completions) {
    it(`${what}: phase ${phase}, terminated ${reason}`, () => {
      const s = statusOf(app().withRestartPolicy(policy).build(), { current });
      assert.equal(s.phase, phase);
      assert.equal(s.containerStatuses?.[0].state?.terminated?.reason, reason);
      assert.equal(s.containerStatuses?.[0].state?.terminated?.exitCode, current.exitCode);
    });
  }

  it('a completed pod is not Ready, with reason PodCompleted', () => {
    const s = statusOf(app().withRestartPolicy('Never').build(), { current: exited(0) });
    assert.deepEqual([condition(s, 'Ready')?.status, condition(s, 'Ready')?.reason], ['False', 'PodCompleted']);
  });

  it('shows CrashLoopBackOff as waiting, with the exited attempt as lastState and its restart count', () => {
    const current = exited(2, { restartCount: 3 });
    const s = statusOf(app().build(), { current, waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s …' } });
    const c = s.containerStatuses?.[0];
    assert.deepEqual(c?.state, { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s …' } });
    assert.equal(c?.lastState?.terminated?.exitCode, 2);
    assert.equal(c?.restartCount, 3);
    assert.equal(s.phase, 'Running');
  });

  it('reports the previous attempt as lastState while the new one runs', () => {
    const s = statusOf(app().build(), { current: details({ restartCount: 1 }), previous: exited(1, { restartCount: 0 }) });
    assert.equal(s.containerStatuses?.[0].restartCount, 1);
    assert.deepEqual(s.containerStatuses?.[0].lastState?.terminated, {
      exitCode: 1, reason: 'Error', startedAt: '2025-03-01T09:59:00Z', finishedAt: '2025-03-01T09:59:30Z', containerID: 'docker://id0',
    });
  });

  it('shows image errors as waiting reasons and stays Pending', () => {
    const s = statusOf(app().build(), { waiting: { reason: 'ErrImageNeverPull', message: 'Container image "img" is not present with pull policy of Never' } });
    assert.equal(s.phase, 'Pending');
    assert.equal(s.containerStatuses?.[0].state?.waiting?.reason, 'ErrImageNeverPull');
  });

  it('shows a container that could not start as terminated StartError with the runtime message', () => {
    const s = statusOf(app().withRestartPolicy('Never').build(), { current: exited(127, { status: 'created', error: 'exec: "nope": executable file not found in $PATH' }) });
    assert.deepEqual([s.containerStatuses?.[0].state?.terminated?.reason, s.containerStatuses?.[0].state?.terminated?.message], ['StartError', 'exec: "nope": executable file not found in $PATH']);
  });

  it('keeps lastTransitionTime while a condition holds, and moves it when it flips', () => {
    const pod = app().build();
    const first = statusOf(pod, {}, { nowMs: T0 });
    const same = statusOf(pod, {}, { nowMs: T0 + 60_000, previous: first });
    assert.deepEqual(same, first, 'an unchanged pod gives an identical status');
    const flipped = statusOf(pod, { current: details() }, { nowMs: T0 + 120_000, previous: same });
    assert.equal(condition(flipped, 'Ready')?.lastTransitionTime, '2025-03-01T10:02:00Z');
    assert.equal(condition(flipped, 'PodScheduled')?.lastTransitionTime, '2025-03-01T10:00:00Z');
  });

  it('a terminal phase stays terminal', () => {
    const s = statusOf(app().build(), {}, { previous: { phase: 'Succeeded' } });
    assert.equal(s.phase, 'Succeeded');
  });

  it('a deleted pod whose containers were stopped is terminal, never-started ones as ContainerStatusUnknown', () => {
    const pod = aPod('web', 'u').withContainer({ name: 'app', image: 'img' }).withContainer({ name: 'late', image: 'img' }).build();
    const s = computePodStatus({
      pod, hostIP: 'h', nowMs: T0, startTime: 's', sandboxReady: false, terminal: true, imageIdOf: () => '',
      containers: { app: { current: exited(143) }, late: { waiting: { reason: 'ErrImagePull' } } },
    });
    assert.equal(s.phase, 'Failed');
    assert.equal(s.containerStatuses?.[1].state?.terminated?.reason, 'ContainerStatusUnknown');
    assert.equal(s.containerStatuses?.[1].state?.terminated?.exitCode, 137);
  });

  describe('init containers and sidecars', () => {
    const initPod = (sidecar = false) => {
      const pod = app().build();
      pod.spec.initContainers = [{ name: 'init', image: 'img', ...(sidecar ? { restartPolicy: 'Always' as const } : {}) }];
      return pod;
    };

    it('a running init container: Pending, not Initialized, app waiting PodInitializing', () => {
      const s = statusOf(initPod(), {}, { containers: { init: { current: details() }, app: {} } });
      assert.equal(s.phase, 'Pending');
      assert.deepEqual(s.initContainerStatuses?.[0].state, { running: { startedAt: '2025-03-01T09:59:00Z' } });
      assert.equal(s.initContainerStatuses?.[0].ready, false);
      assert.deepEqual(s.containerStatuses?.[0].state, { waiting: { reason: 'PodInitializing' } });
      assert.deepEqual([condition(s, 'Initialized')?.status, condition(s, 'Initialized')?.reason, condition(s, 'Initialized')?.message],
        ['False', 'ContainersNotInitialized', 'containers with incomplete status: [init]']);
    });

    it('a completed init container is ready and the pod Initialized', () => {
      const s = statusOf(initPod(), {}, { containers: { init: { current: exited(0) }, app: { current: details() } } });
      assert.equal(s.phase, 'Running');
      assert.deepEqual([s.initContainerStatuses?.[0].ready, s.initContainerStatuses?.[0].state?.terminated?.reason], [true, 'Completed']);
      assert.equal(condition(s, 'Initialized')?.status, 'True');
    });

    it('a failing init container in backoff shows CrashLoopBackOff and keeps an Always pod Pending', () => {
      const s = statusOf(initPod(), {}, { containers: { init: { current: exited(1, { restartCount: 1 }), waiting: { reason: 'CrashLoopBackOff', message: 'm' } }, app: {} } });
      assert.equal(s.phase, 'Pending');
      assert.equal(s.initContainerStatuses?.[0].lastState?.terminated?.exitCode, 1);
      assert.equal(s.initContainerStatuses?.[0].restartCount, 1);
    });

    it('a failed init container fails a Never pod', () => {
      const pod = initPod();
      pod.spec.restartPolicy = 'Never';
      const s = statusOf(pod, {}, { containers: { init: { current: exited(1) }, app: {} } });
      assert.equal(s.phase, 'Failed');
    });

    it('a sidecar counts in READY and readiness, and is started once running', () => {
      const s = statusOf(initPod(true), {}, { containers: { init: { current: details() }, app: { current: details() } } });
      assert.equal(s.phase, 'Running');
      assert.deepEqual([s.initContainerStatuses?.[0].ready, s.initContainerStatuses?.[0].started], [true, true]);
      assert.equal(condition(s, 'Ready')?.status, 'True');
      const unready = statusOf(initPod(true), {}, { containers: { init: { current: details(), probes: { ready: false } }, app: { current: details() } } });
      assert.equal(condition(unready, 'ContainersReady')?.message, 'containers with unready status: [init]');
    });

    it('a sidecar not yet started (startup probe) keeps the pod initializing', () => {
      const s = statusOf(initPod(true), {}, { containers: { init: { current: details(), probes: { started: false, ready: false } }, app: {} } });
      assert.equal(s.phase, 'Pending');
      assert.equal(condition(s, 'Initialized')?.status, 'False');
    });

    it('a pod whose app completed and whose sidecar was stopped Succeeds', () => {
      const pod = initPod(true);
      pod.spec.restartPolicy = 'Never';
      const s = statusOf(pod, {}, { containers: { init: { current: exited(143) }, app: { current: exited(0) } } });
      assert.equal(s.phase, 'Succeeded');
    });
  });
});
