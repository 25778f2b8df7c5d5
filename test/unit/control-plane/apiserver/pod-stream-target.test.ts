import assert from 'node:assert/strict';
import type { ContainerStatus, Pod } from '../../../../api/core-v1';
import { ApiError } from '../../../../api/errors';
import { podExecOptionsFrom } from '../../../../control-plane/apiserver/pod-exec-options';
import { checkLogsAvailable, containerFor, nodeOf } from '../../../../control-plane/apiserver/pod-stream-target';

function aPod(containers: string[], opts: { init?: string[]; nodeName?: string; statuses?: ContainerStatus[] } = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1' },
    spec: {
      containers: containers.map((name) => ({ name, image: 'busybox' })),
      ...(opts.init ? { initContainers: opts.init.map((name) => ({ name, image: 'busybox' })) } : {}),
      ...(opts.nodeName ? { nodeName: opts.nodeName } : {}),
    },
    status: { containerStatuses: opts.statuses },
  };
}

function badRequest(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => err instanceof ApiError && err.code === 'BadRequest' && err.message === message);
}

function status(waiting?: string, extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name: 'main', ready: false, restartCount: 0, image: 'busybox', imageID: '', state: waiting ? { waiting: { reason: waiting } } : { running: {} }, ...extra };
}

describe('the container a log or exec request reaches', () => {
  it('is the named one, an init container included', () => {
    assert.equal(containerFor(aPod(['a', 'b']), 'b'), 'b');
    assert.equal(containerFor(aPod(['a'], { init: ['setup'] }), 'setup'), 'setup');
  });

  it('is the only container when none is named', () => {
    assert.equal(containerFor(aPod(['a']), ''), 'a');
  });

  it("is refused with Kubernetes' messages otherwise", () => {
    badRequest(() => containerFor(aPod(['a']), 'nope'), 'container nope is not valid for pod web');
    badRequest(() => containerFor(aPod(['a', 'b']), ''), 'a container name must be specified for pod web, choose one of: [a b]');
    badRequest(() => containerFor(aPod(['a', 'b'], { init: ['i'] }), ''), 'a container name must be specified for pod web, choose one of: [a b] or one of the init containers: [i]');
  });

  it('needs the pod to be on a node', () => {
    assert.equal(nodeOf(aPod(['a'], { nodeName: 'pi1' })), 'pi1');
    badRequest(() => nodeOf(aPod(['a'])), 'pod web does not have a host assigned');
  });
});

describe("the kubelet's refusal of logs of a container that never ran", () => {
  it('names the waiting reason', () => {
    badRequest(() => checkLogsAvailable(aPod(['main'], { statuses: [status('ContainerCreating')] }), 'main', false), 'container "main" in pod "web" is waiting to start: ContainerCreating');
    badRequest(() => checkLogsAvailable(aPod(['main'], { statuses: [status('ImagePullBackOff')] }), 'main', false), 'container "main" in pod "web" is waiting to start: trying and failing to pull image');
    badRequest(() => checkLogsAvailable(aPod(['main'], { statuses: [status('ErrImagePull')] }), 'main', false), 'container "main" in pod "web" is waiting to start: image can\'t be pulled');
  });

  it('leaves running, restarted, unreported and --previous requests to the node', () => {
    checkLogsAvailable(aPod(['main'], { statuses: [status()] }), 'main', false);
    checkLogsAvailable(aPod(['main'], { statuses: [status('CrashLoopBackOff', { lastState: { terminated: { exitCode: 1, containerID: 'docker://x' } } })] }), 'main', false);
    checkLogsAvailable(aPod(['main']), 'main', false);
    checkLogsAvailable(aPod(['main'], { statuses: [status('ContainerCreating')] }), 'main', true);
  });
});

describe('PodExecOptions from the query', () => {
  it('reads the command and the streams kubectl asks for', () => {
    assert.deepEqual(podExecOptionsFrom(new URLSearchParams('command=sh&command=-c&command=exit+3&container=c&stdin=true&stdout=true&stderr=true')), {
      container: 'c', command: ['sh', '-c', 'exit 3'], stdin: true, stdout: true, stderr: true, tty: false,
    });
  });

  it('drops stderr with a TTY', () => {
    assert.equal(podExecOptionsFrom(new URLSearchParams('command=sh&stdout=true&stderr=true&tty=true')).stderr, false);
  });

  it('needs a command and a stream', () => {
    badRequest(() => podExecOptionsFrom(new URLSearchParams('stdout=true')), 'you must specify at least 1 command');
    badRequest(() => podExecOptionsFrom(new URLSearchParams('command=ls')), 'you must specify at least 1 of stdin, stdout, stderr');
  });
});
