import assert from 'node:assert/strict';
import { errored, outcome } from '../../../../agent/probes/probe-outcome';
import { runProbe, verdictOf } from '../../../../agent/probes/prober';
import { FakeExecRuntime } from './fake-exec-runtime';
import { FakeClock } from '../../../support/fake-clock';
import { probedPod } from './probed-pod';

describe('prober verdicts', () => {
  it('words failures, errors and warnings as the kubelet', () => {
    assert.deepEqual(verdictOf('liveness', outcome('failure', 'HTTP probe failed with statuscode: 500')), {
      result: 'Failure', errored: false, output: 'HTTP probe failed with statuscode: 500',
      event: { type: 'Warning', reason: 'Unhealthy', message: 'Liveness probe failed: HTTP probe failed with statuscode: 500' },
    });
    assert.equal(verdictOf('readiness', errored('strconv.Atoi: parsing "http": invalid syntax')).event?.message,
      'Readiness probe errored and resulted in unknown state: strconv.Atoi: parsing "http": invalid syntax');
    assert.deepEqual(verdictOf('startup', outcome('warning', 'Probe terminated redirects, Response body: moved')), {
      result: 'Success', errored: false, output: 'Probe terminated redirects, Response body: moved',
      event: { type: 'Warning', reason: 'ProbeWarning', message: 'Startup probe warning: Probe terminated redirects, Response body: moved' },
    });
  });

  it('counts success without an event and unknown as a quiet failure', () => {
    assert.deepEqual(verdictOf('liveness', outcome('success', 'ok')), { result: 'Success', errored: false, output: 'ok' });
    assert.deepEqual(verdictOf('liveness', outcome('unknown')), { result: 'Failure', errored: false, output: '' });
  });

  it('errors a probe with no handler, and an http probe on a pod without an IP', async () => {
    const clock = new FakeClock();
    const deps = { runtime: new FakeExecRuntime(() => clock.now()), clock };
    const pod = probedPod({});
    const target = { pod, container: pod.spec.containers[0], containerId: 'c1' };
    const none = await runProbe({}, target, deps, new AbortController().signal);
    assert.match(none.error ?? '', /^missing probe handler for web-\d+_default\(pod-uid-\d+\):app$/);
    const http = await runProbe({ httpGet: { port: 80, path: '/' } }, target, deps, new AbortController().signal);
    assert.equal(http.error, 'the pod has no IP address yet');
  });
});
