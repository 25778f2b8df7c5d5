import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import { ProbeManager, type ProbeEventRecord, type ProbeResultChange } from '../../../../agent/probes/probe-manager';
import { FakeExecRuntime } from './fake-exec-runtime';
import { FakeClock } from '../../../support/fake-clock';
import { deleting, execProbeSpec, probedPod } from './probed-pod';

const HOUR = 3_600_000;

describe('ProbeManager', () => {
  let clock: FakeClock;
  let runtime: FakeExecRuntime;
  let manager: ProbeManager;
  let changes: ProbeResultChange[];
  let events: ProbeEventRecord[];
  let randomValue = 0.5;

  function newManager(): ProbeManager {
    const m = new ProbeManager({ runtime, clock, random: () => randomValue, log: () => undefined });
    m.onResult((c) => changes.push(c));
    m.onEvent((e) => events.push(e));
    return m;
  }

  beforeEach(async () => {
    clock = new FakeClock();
    randomValue = 0.5;
    runtime = new FakeExecRuntime(() => clock.now());
    changes = [];
    events = [];
    manager = newManager();
    await clock.advance(HOUR); // an agent that started long ago: no initial jitter
  });

  afterEach(() => {
    manager.dispose();
    assert.equal(clock.timers, 0, 'timers left after dispose');
  });

  const failing = (output = 'unhealthy') => ({ exitCode: 1, output });
  const changesOf = (type: string) => changes.filter((c) => c.probeType === type).map((c) => c.result);

  describe('results and thresholds', () => {
    it('reports readiness Failure at once and Success after the first passing probe', async () => {
      const pod = probedPod({ readinessProbe: execProbeSpec() });
      manager.addContainer(pod, 'app', 'c1', '10.42.0.5');
      assert.equal(manager.result(pod.metadata.uid ?? '', 'app', 'readiness'), 'Failure');
      await clock.advance(0);
      assert.equal(manager.result(pod.metadata.uid ?? '', 'app', 'readiness'), 'Success');
      assert.deepEqual(changesOf('readiness'), ['Failure', 'Success']);
      assert.equal(runtime.calls.length, 1);
    });

    it('starts liveness at Success and startup at Unknown', () => {
      const pod = probedPod({ livenessProbe: execProbeSpec({}, ['live']), startupProbe: execProbeSpec({}, ['start']) });
      manager.addContainer(pod, 'app', 'c1');
      const uid = pod.metadata.uid ?? '';
      assert.equal(manager.result(uid, 'app', 'liveness'), 'Success');
      assert.equal(manager.result(uid, 'app', 'startup'), 'Unknown');
      assert.equal(manager.result(uid, 'app', 'readiness'), undefined);
    });

    it('probes every periodSeconds', async () => {
      manager.addContainer(probedPod({ livenessProbe: execProbeSpec({ periodSeconds: 5 }) }), 'app', 'c1');
      await clock.advance(0);
      assert.equal(runtime.calls.length, 1);
      await clock.advance(4_999);
      assert.equal(runtime.calls.length, 1);
      await clock.advance(1);
      assert.equal(runtime.calls.length, 2);
      await clock.advance(10_000);
      assert.deepEqual(runtime.calls.map((c) => c.atMs - runtime.calls[0].atMs), [0, 5_000, 10_000, 15_000]);
    });

    it('waits initialDelaySeconds after the container started before the first probe', async () => {
      const startedAt = clock.now() - 3_000;
      manager.addContainer(probedPod({ livenessProbe: execProbeSpec({ initialDelaySeconds: 15 }) }), 'app', 'c1', undefined, startedAt);
      await clock.advance(10_000); // 13 s after the start: too early
      assert.equal(runtime.calls.length, 0);
      await clock.advance(10_000); // the tick at 23 s
      assert.equal(runtime.calls.length, 1);
    });

    it('fails liveness only after failureThreshold failures in a row, then holds until a new container', async () => {
      const pod = probedPod({ livenessProbe: execProbeSpec({ failureThreshold: 3 }) });
      const uid = pod.metadata.uid ?? '';
      runtime.respond = () => failing();
      manager.addContainer(pod, 'app', 'c1');
      await clock.advance(20_000);
      assert.equal(runtime.calls.length, 3);
      assert.deepEqual(changesOf('liveness'), ['Success', 'Failure']);
      assert.deepEqual(changes.at(-1), { podUid: uid, containerName: 'app', containerId: 'c1', probeType: 'liveness', result: 'Failure', message: 'unhealthy' });
      assert.deepEqual(events.map((e) => e.event.message), Array(3).fill('Liveness probe failed: unhealthy'));
      assert.deepEqual(events[0].event, { type: 'Warning', reason: 'Unhealthy', message: 'Liveness probe failed: unhealthy' });
      await clock.advance(60_000);
      assert.equal(runtime.calls.length, 3, 'probes while on hold');
      manager.addContainer(pod, 'app', 'c2');
      assert.equal(manager.result(uid, 'app', 'liveness'), 'Success');
      await clock.advance(10_000);
      assert.equal(runtime.callsOf('check', 'c2').length, 1);
    });

    it('counts failures anew after a success in between', async () => {
      const answers = [1, 1, 0, 1, 1, 1];
      runtime.respond = () => ({ exitCode: answers.shift() ?? 0, output: 'x' });
      manager.addContainer(probedPod({ livenessProbe: execProbeSpec({ failureThreshold: 3 }) }), 'app', 'c1');
      await clock.advance(40_000);
      assert.deepEqual(changesOf('liveness'), ['Success']);
      await clock.advance(10_000);
      assert.deepEqual(changesOf('liveness'), ['Success', 'Failure']);
    });

    it('makes readiness Success only after successThreshold successes in a row, and Failure after failureThreshold failures', async () => {
      const answers = [0, 0, 1, 1];
      runtime.respond = () => ({ exitCode: answers.shift() ?? 1, output: 'not ready' });
      const pod = probedPod({ readinessProbe: execProbeSpec({ successThreshold: 2, failureThreshold: 2 }) });
      manager.addContainer(pod, 'app', 'c1');
      await clock.advance(0);
      assert.deepEqual(changesOf('readiness'), ['Failure']);
      await clock.advance(10_000);
      assert.deepEqual(changesOf('readiness'), ['Failure', 'Success']);
      await clock.advance(10_000);
      assert.deepEqual(changesOf('readiness'), ['Failure', 'Success']);
      await clock.advance(10_000);
      assert.deepEqual(changesOf('readiness'), ['Failure', 'Success', 'Failure']);
      assert.equal(changes.at(-1)?.message, 'not ready');
    });
  });

  describe('startup gating', () => {
    const spec = () => ({
      startupProbe: execProbeSpec({ periodSeconds: 2, failureThreshold: 5 }, ['start']),
      livenessProbe: execProbeSpec({}, ['live']),
      readinessProbe: execProbeSpec({}, ['ready']),
    });

    it('runs no liveness or readiness probe until the startup probe has succeeded, and no startup probe after', async () => {
      const answers = [1, 1, 0];
      runtime.respond = (_id, cmd) => (cmd[0] === 'start' ? { exitCode: answers.shift() ?? 1, output: 'starting' } : { exitCode: 0, output: '' });
      const pod = probedPod(spec());
      manager.addContainer(pod, 'app', 'c1');
      await clock.advance(2_000);
      assert.equal(runtime.callsOf('start').length, 2);
      assert.deepEqual(manager.containerStatus(pod, 'app', 'c1'), { started: false, ready: false });
      assert.equal(runtime.callsOf('live').length + runtime.callsOf('ready').length, 0);
      await clock.advance(2_000);
      assert.equal(manager.result(pod.metadata.uid ?? '', 'app', 'startup'), 'Success');
      await clock.advance(10_000);
      assert.equal(runtime.callsOf('start').length, 3, 'startup probed after success');
      assert.ok(runtime.callsOf('live').length >= 1);
      assert.deepEqual(manager.containerStatus(pod, 'app', 'c1'), { started: true, ready: true });
    });

    it('reports a startup Failure once failureThreshold is reached', async () => {
      runtime.respond = () => failing('no pid file');
      const pod = probedPod(spec());
      manager.addContainer(pod, 'app', 'c1');
      await clock.advance(8_000);
      assert.deepEqual(changesOf('startup'), ['Unknown', 'Failure']);
      assert.equal(changes.at(-1)?.message, 'no pid file');
      assert.equal(events[0].event.message, 'Startup probe failed: no pid file');
      assert.equal(runtime.callsOf('live').length, 0);
    });
  });

  describe('errors and timeouts', () => {
    it('retries an errored probe at once, records the error and leaves the result alone', async () => {
      runtime.respond = () => new Error('container not running');
      const pod = probedPod({ livenessProbe: execProbeSpec({ failureThreshold: 1 }) });
      manager.addContainer(pod, 'app', 'c1');
      await clock.advance(20_000);
      assert.equal(runtime.calls.length, 9, 'three attempts per tick');
      assert.equal(manager.result(pod.metadata.uid ?? '', 'app', 'liveness'), 'Success');
      assert.equal(events[0].event.message, 'Liveness probe errored and resulted in unknown state: container not running');
      assert.equal(events.length, 3);
    });

    it("fails a command still running at the timeout with the kubelet's message", async () => {
      runtime.respond = () => 'hang';
      const pod = probedPod({ livenessProbe: execProbeSpec({ timeoutSeconds: 2, failureThreshold: 1 }, ['sleep', '10']) });
      manager.addContainer(pod, 'app', 'c1');
      await clock.advance(1_999);
      assert.deepEqual(changesOf('liveness'), ['Success']);
      await clock.advance(1);
      assert.deepEqual(changesOf('liveness'), ['Success', 'Failure']);
      assert.equal(changes.at(-1)?.message, 'command "sleep 10" timed out');
      assert.equal(events[0].event.message, 'Liveness probe failed: command "sleep 10" timed out');
      assert.equal(runtime.calls[0].timeoutMs, 2_000);
    });

    it("does not let a slow probe on one pod delay another pod's probes", async () => {
      runtime.respond = (id) => (id === 'slow' ? 'hang' : { exitCode: 0, output: '' });
      manager.addContainer(probedPod({ livenessProbe: execProbeSpec({ timeoutSeconds: 30, periodSeconds: 1 }) }), 'app', 'slow');
      manager.addContainer(probedPod({ livenessProbe: execProbeSpec({ periodSeconds: 1 }) }), 'app', 'fast');
      await clock.advance(5_000);
      assert.equal(runtime.calls.filter((c) => c.containerId === 'fast').length, 6);
      assert.equal(runtime.calls.filter((c) => c.containerId === 'slow').length, 1);
    });
  });

  describe('lifecycle', () => {
    it('quiets liveness once the pod is being deleted, while readiness goes on', async () => {
      runtime.respond = (_id, cmd) => (cmd[0] === 'live' ? failing() : { exitCode: 0, output: '' });
      const pod = probedPod({ livenessProbe: execProbeSpec({ failureThreshold: 3 }, ['live']), readinessProbe: execProbeSpec({}, ['ready']) });
      manager.addContainer(pod, 'app', 'c1');
      await clock.advance(10_000);
      manager.updatePod(deleting(pod));
      await clock.advance(30_000);
      assert.equal(runtime.callsOf('live').length, 2);
      assert.equal(runtime.callsOf('ready').length, 5);
      assert.equal(manager.result(pod.metadata.uid ?? '', 'app', 'liveness'), 'Success');
      assert.deepEqual(changesOf('liveness'), ['Success']);
    });

    it('waits a random part of the period before the first probe right after the agent started', async () => {
      manager.dispose();
      randomValue = 0.3;
      manager = newManager();
      manager.addContainer(probedPod({ livenessProbe: execProbeSpec() }), 'app', 'c1');
      await clock.advance(2_999);
      assert.equal(runtime.calls.length, 0);
      await clock.advance(1);
      assert.equal(runtime.calls.length, 1);
    });

    it('starts a new container over from the initial results', async () => {
      const pod = probedPod({ readinessProbe: execProbeSpec() });
      manager.addContainer(pod, 'app', 'c1');
      await clock.advance(0);
      manager.addContainer(pod, 'app', 'c2');
      assert.equal(manager.result(pod.metadata.uid ?? '', 'app', 'readiness'), 'Failure');
      assert.deepEqual(manager.containerStatus(pod, 'app', 'c1'), { started: true, ready: false });
      await clock.advance(10_000);
      assert.deepEqual(manager.containerStatus(pod, 'app', 'c2'), { started: true, ready: true });
      assert.deepEqual(changesOf('readiness'), ['Failure', 'Success', 'Failure', 'Success']);
    });

    it('runs a readiness probe at once when the status asks and it has not succeeded yet', async () => {
      let ready = false;
      runtime.respond = () => ({ exitCode: ready ? 0 : 1, output: '' });
      const pod = probedPod({ readinessProbe: execProbeSpec() });
      manager.addContainer(pod, 'app', 'c1');
      await clock.advance(1_000);
      ready = true;
      assert.deepEqual(manager.containerStatus(pod, 'app', 'c1'), { started: true, ready: false });
      await clock.advance(0);
      assert.equal(runtime.calls.length, 2);
      assert.deepEqual(manager.containerStatus(pod, 'app', 'c1'), { started: true, ready: true });
    });

    it('calls a container without probes started and ready', () => {
      const pod = probedPod({});
      manager.addContainer(pod, 'app', 'c1');
      assert.deepEqual(manager.containerStatus(pod, 'app', 'c1'), { started: true, ready: true });
    });

    it('forgets a removed container and stops probing it', async () => {
      const pod: Pod = probedPod({ livenessProbe: execProbeSpec() });
      manager.addContainer(pod, 'app', 'c1');
      await clock.advance(0);
      manager.removeContainer(pod.metadata.uid ?? '', 'app');
      await clock.advance(60_000);
      assert.equal(runtime.calls.length, 1);
      assert.equal(manager.result(pod.metadata.uid ?? '', 'app', 'liveness'), undefined);
      assert.deepEqual(manager.podUids(), []);
      assert.equal(clock.timers, 0);
    });

    it('expands $(VAR) in an exec command from literal env values only', async () => {
      const pod = probedPod({
        env: [{ name: 'FILE', value: '/tmp/ok' }, { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
        livenessProbe: execProbeSpec({}, ['cat', '$(FILE)', '$(SECRET)', '$(UNSET)']),
      });
      manager.addContainer(pod, 'app', 'c1');
      await clock.advance(0);
      assert.deepEqual(runtime.calls[0].command, ['cat', '/tmp/ok', '', '$(UNSET)']);
    });
  });
});
