/**
 * exec probes against a real dockerd in a network namespace: DockerRuntime.exec (exit code,
 * combined output, timeout, a stopped container) and the probe manager restarting nothing
 * but reporting a liveness Failure with the command's own words.
 */
import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import { ProbeManager, type ProbeEventRecord, type ProbeResultChange } from '../../../../agent/probes/probe-manager';
import { ExecTimeoutError } from '../../../../agent/runtime/container-runtime';
import { DockerRuntime } from '../../../../agent/runtime/docker-runtime';
import { TEST_IMAGE } from '../../../../scripts/cluster/test-image';
import { until } from '../../../../scripts/cluster/wait-until';
import { startNodeDocker, type NodeDockerFixture } from '../node-docker-fixture';

describe('exec probes in a real container', function () {
  this.timeout(90_000);
  let node: NodeDockerFixture;
  let runtime: DockerRuntime;
  let containerId: string;
  const signal = new AbortController().signal;

  before(async () => {
    node = await startNodeDocker();
    runtime = new DockerRuntime(node.docker);
    containerId = await runtime.createContainer({ name: 'probe-target', image: TEST_IMAGE, cmd: ['sleep', '3600'], env: [], labels: {} }, signal);
    await runtime.startContainer(containerId, signal);
  });

  after(async () => {
    await node?.stop();
  });

  it('runs a command and returns its exit code and combined output', async () => {
    const res = await runtime.exec(containerId, ['sh', '-c', 'echo out; echo err >&2; exit 3'], { timeoutMs: 10_000, signal });
    assert.equal(res.exitCode, 3);
    assert.equal(res.output.split('\n').sort().join(','), ',err,out');
  });

  it('cuts the output at maxOutputBytes', async () => {
    const res = await runtime.exec(containerId, ['sh', '-c', 'yes | head -c 50000'], { timeoutMs: 10_000, signal, maxOutputBytes: 1000 });
    assert.equal(res.exitCode, 0);
    assert.equal(res.output.length, 1000);
  });

  it('gives up on a command still running at the timeout', async () => {
    const started = Date.now();
    await assert.rejects(runtime.exec(containerId, ['sleep', '30'], { timeoutMs: 500, signal }), (err: unknown) => {
      assert.ok(err instanceof ExecTimeoutError);
      assert.equal(err.message, 'command "sleep 30" timed out');
      return true;
    });
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  });

  it('reports a liveness Failure with the command output once the check starts failing', async () => {
    await runtime.exec(containerId, ['touch', '/tmp/healthy'], { timeoutMs: 10_000, signal });
    let probes = 0;
    const counting = { exec: (...args: Parameters<DockerRuntime['exec']>) => (probes++, runtime.exec(...args)) };
    const manager = new ProbeManager({ runtime: counting, log: () => undefined });
    const changes: ProbeResultChange[] = [];
    const events: ProbeEventRecord[] = [];
    manager.onResult((c) => changes.push(c));
    manager.onEvent((e) => events.push(e));
    const pod: Pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'live', namespace: 'default', uid: 'uid-exec' },
      spec: { containers: [{ name: 'app', livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, timeoutSeconds: 5, failureThreshold: 2 } }] },
    };
    try {
      manager.addContainer(pod, 'app', containerId);
      await until(() => probes >= 2, { timeoutMs: 10_000, describe: () => `${probes} probes` }); // the first one has passed
      assert.equal(events.length, 0);
      await runtime.exec(containerId, ['rm', '/tmp/healthy'], { timeoutMs: 10_000, signal });
      await until(() => changes.some((c) => c.result === 'Failure'), { timeoutMs: 10_000, describe: () => JSON.stringify(changes) });
      const message = "cat: can't open '/tmp/healthy': No such file or directory\n";
      assert.equal(changes.at(-1)?.message, message);
      assert.deepEqual(events.map((e) => e.event.message), [`Liveness probe failed: ${message}`, `Liveness probe failed: ${message}`]);
    } finally {
      manager.dispose();
    }
  });

  it('errors rather than fails on a container that is not running', async () => {
    await runtime.stopContainer(containerId, { signal: 'SIGKILL', timeoutSeconds: 0 }, signal);
    await assert.rejects(runtime.exec(containerId, ['true'], { timeoutMs: 5_000, signal }), (err: unknown) => !(err instanceof ExecTimeoutError) && /is not running/.test(String(err)));
  });
});
