/**
 * The planner's decisions, as tables in the manner of the kubelet's TestComputePodActions
 * (pkg/kubelet/kuberuntime/kuberuntime_manager_test.go): a pod, what the runtime shows, the
 * restart backoff and the time in; the stage and the actions out.
 */
import assert from 'node:assert/strict';
import type { Container, Pod, PodPhase } from '../../../../api/core-v1';
import { computePodActions, probeKillAction, type PodAction, type PodPlan, type RestartState } from '../../../../agent/pods/pod-actions';
import type { PodObservation } from '../../../../agent/pods/pod-observation';
import { anObservation, created, exited, running, T0, type ObservationBuilder } from './observation-builder';
import { aPod } from './pod-builder';

type Policy = 'Always' | 'OnFailure' | 'Never';

interface Case {
  name: string;
  pod: Pod;
  observe: (o: ObservationBuilder) => ObservationBuilder;
  phase?: PodPhase;
  /** Running containers (by id) whose startup probe has not succeeded. */
  notStarted?: string[];
  /** Container names still in backoff; everything else may restart. */
  backedOff?: string[];
  /** The running sandbox has no pod address (veth mode, never attached). */
  withoutAddress?: boolean;
  want: PodPlan;
}

const EXIT_MS = T0 - 5_000;
const BACKOFF = { untilMs: T0 + 15_000, delayMs: 20_000 };

function pod(policy: Policy, containers: string[], inits: (string | { name: string; sidecar: true })[] = []): Pod {
  const b = aPod('web', 'uid-1').withRestartPolicy(policy);
  for (const name of containers) b.withContainer({ name });
  const p = b.build();
  if (inits.length > 0) p.spec.initContainers = inits.map((i): Container => typeof i === 'string'
    ? { name: i, image: 'pikube/busybox:latest' }
    : { name: i.name, image: 'pikube/busybox:latest', restartPolicy: 'Always' });
  return p;
}

const sidecar = (name: string) => ({ name, sidecar: true as const });

function restartsFor(backedOff: string[] = []): RestartState & { asked: [string, number][] } {
  const asked: [string, number][] = [];
  return { asked, backoffOf: (name, finishedAtMs) => (asked.push([name, finishedAtMs]), backedOff.includes(name) ? BACKOFF : undefined) };
}

function plan(c: Case): PodPlan {
  const runtime: PodObservation = c.observe(anObservation(c.pod)).build();
  return computePodActions(c.pod, { runtime, phase: c.phase, notStarted: new Set(c.notStarted), sandboxWithoutAddress: c.withoutAddress }, restartsFor(c.backedOff), T0);
}

const start = (name: string, role: 'init' | 'sidecar' | 'regular' = 'regular'): PodAction => ({ type: 'startContainer', name, role, restartCount: 0, reason: 'NotCreated' });
const restart = (name: string, restartCount: number, exitCode: number, role: 'init' | 'sidecar' | 'regular' = 'regular'): PodAction =>
  ({ type: 'startContainer', name, role, restartCount, reason: 'Restart', exited: { exitCode, finishedAtMs: EXIT_MS } });
const keep = (name: string, reason: 'Running' | 'ExitedForGood' = 'Running'): PodAction => ({ type: 'keepContainer', name, reason });
const backoff = (name: string, id: string): PodAction => ({ type: 'waitBackoff', name, id, ...BACKOFF });
const containers = (...actions: PodAction[]): PodPlan => ({ stage: 'containers', actions });

function table(cases: Case[]): void {
  for (const c of cases) it(c.name, () => assert.deepEqual(plan(c), c.want));
}

describe('computePodActions', () => {
  describe('the sandbox', () => {
    table([
      {
        name: 'a fresh pod gets its first sandbox, and nothing else yet',
        pod: pod('Always', ['app']), observe: (o) => o,
        want: { stage: 'sandbox', actions: [{ type: 'createSandbox', attempt: 0, reason: 'SandboxMissing' }] },
      },
      {
        name: 'a dead sandbox of an Always pod: the pod is killed, the old sandbox removed, a new one made',
        pod: pod('Always', ['app']), observe: (o) => o.sandbox('exited').container('app', running()),
        want: { stage: 'sandbox', actions: [
          { type: 'killPod', reason: 'SandboxChanged' },
          { type: 'removeContainers', ids: ['POD-0'], reason: 'SandboxChanged' },
          { type: 'createSandbox', attempt: 1, reason: 'SandboxChanged' },
        ] },
      },
      {
        name: 'a new sandbox purges every init container attempt, so they all run again from the first',
        pod: pod('Always', ['app'], ['setup', sidecar('proxy')]),
        observe: (o) => o.sandbox('exited', 'exited').container('setup', exited(0)).container('proxy', running(), exited(1)).container('app', running()),
        want: { stage: 'sandbox', actions: [
          { type: 'killPod', reason: 'SandboxChanged' },
          { type: 'removeContainers', ids: ['POD-1', 'POD-0', 'setup-0', 'proxy-1', 'proxy-0'], reason: 'SandboxChanged' },
          { type: 'createSandbox', attempt: 2, reason: 'SandboxChanged' },
        ] },
      },
      {
        name: 'a Never pod whose containers ran gets no new sandbox: it is killed',
        pod: pod('Never', ['app']), observe: (o) => o.sandbox('exited').container('app', running()),
        want: { stage: 'sandbox', actions: [{ type: 'killPod', reason: 'SandboxDied' }] },
      },
      {
        name: 'a Never pod whose sandbox died before any container ran gets a new one',
        pod: pod('Never', ['app']), observe: (o) => o.sandbox('exited'),
        want: { stage: 'sandbox', actions: [
          { type: 'killPod', reason: 'SandboxChanged' },
          { type: 'removeContainers', ids: ['POD-0'], reason: 'SandboxChanged' },
          { type: 'createSandbox', attempt: 1, reason: 'SandboxChanged' },
        ] },
      },
      {
        name: 'an OnFailure pod whose containers all succeeded has nothing left to start: it is killed',
        pod: pod('OnFailure', ['a', 'b']), observe: (o) => o.sandbox('exited').container('a', exited(0)).container('b', exited(0)),
        want: { stage: 'sandbox', actions: [{ type: 'killPod', reason: 'SandboxDied' }] },
      },
      {
        name: 'an OnFailure pod with a failed container gets a new sandbox',
        pod: pod('OnFailure', ['a', 'b']), observe: (o) => o.sandbox('exited').container('a', exited(0)).container('b', exited(2)),
        want: { stage: 'sandbox', actions: [
          { type: 'killPod', reason: 'SandboxChanged' },
          { type: 'removeContainers', ids: ['POD-0'], reason: 'SandboxChanged' },
          { type: 'createSandbox', attempt: 1, reason: 'SandboxChanged' },
        ] },
      },
      {
        name: 'a running sandbox without its address (an agent stopped before attaching it) is replaced, as the kubelet replaces one without an IP',
        pod: pod('Always', ['app']), observe: (o) => o.sandbox('running').container('app', running()), withoutAddress: true,
        want: { stage: 'sandbox', actions: [
          { type: 'killPod', reason: 'SandboxChanged' },
          { type: 'removeContainers', ids: ['POD-0'], reason: 'SandboxChanged' },
          { type: 'createSandbox', attempt: 1, reason: 'SandboxChanged' },
        ] },
      },
      {
        name: 'containers without any sandbox (removed behind our back) are killed before the first one is made',
        pod: pod('Always', ['app']), observe: (o) => o.container('app', running()),
        want: { stage: 'sandbox', actions: [{ type: 'killPod', reason: 'SandboxMissing' }, { type: 'createSandbox', attempt: 0, reason: 'SandboxMissing' }] },
      },
    ]);
  });

  describe('init containers', () => {
    table([
      {
        name: 'only the first init container starts in a new sandbox',
        pod: pod('Always', ['app'], ['one', 'two']), observe: (o) => o.sandbox('running'),
        want: containers(start('one', 'init')),
      },
      {
        name: 'a running init container holds the next one and the app',
        pod: pod('Always', ['app'], ['one', 'two']), observe: (o) => o.sandbox('running').container('one', running()),
        want: containers(keep('one')),
      },
      {
        name: 'a succeeded init container stays exited and the next one starts',
        pod: pod('Always', ['app'], ['one', 'two']), observe: (o) => o.sandbox('running').container('one', exited(0)),
        want: containers(keep('one', 'ExitedForGood'), start('two', 'init')),
      },
      {
        name: 'once every init container succeeded, they are left alone and the app containers start',
        pod: pod('Always', ['a', 'b'], ['one', 'two']), observe: (o) => o.sandbox('running').container('one', exited(0)).container('two', exited(0)),
        want: containers(start('a'), start('b')),
      },
      ...(['Always', 'OnFailure'] as const).map((policy): Case => ({
        name: `a failed init container of an ${policy} pod restarts (and holds the app)`,
        pod: pod(policy, ['app'], ['one']), observe: (o) => o.sandbox('running').container('one', exited(1)),
        want: containers(restart('one', 1, 1, 'init')),
      })),
      {
        name: 'a failed init container of a Never pod stays failed, and the app never starts',
        pod: pod('Never', ['app'], ['one']), observe: (o) => o.sandbox('running').container('one', exited(1)),
        want: containers(keep('one', 'ExitedForGood')),
      },
      {
        name: 'a failed init container in backoff waits (CrashLoopBackOff)',
        pod: pod('Always', ['app'], ['one']), observe: (o) => o.sandbox('running').container('one', exited(1)), backedOff: ['one'],
        want: containers(backoff('one', 'one-0')),
      },
      {
        name: 'an init container that failed to start (StartError) restarts',
        pod: pod('Always', ['app'], ['one']), observe: (o) => o.sandbox('running').container('one', exited(128, EXIT_MS, { error: 'exec: not found' })),
        want: containers(restart('one', 1, 128, 'init')),
      },
      {
        name: 'a live app container means the init containers ran, even when their attempts are gone',
        pod: pod('Always', ['app'], ['one']), observe: (o) => o.sandbox('running').container('app', running()),
        want: containers(keep('app')),
      },
      {
        name: 'an exited app container does not: in a new sandbox the init containers run first',
        pod: pod('Always', ['app'], ['one']), observe: (o) => o.sandbox('running').container('app', exited(137)),
        want: containers(start('one', 'init')),
      },
    ]);
  });

  describe('sidecars (init containers with restartPolicy Always)', () => {
    table([
      {
        name: 'a sidecar starts before the next init container, which waits',
        pod: pod('Never', ['app'], [sidecar('proxy'), 'setup']), observe: (o) => o.sandbox('running'),
        want: containers(start('proxy', 'sidecar')),
      },
      {
        name: 'a running sidecar whose startup probe has not succeeded still holds the next init container',
        pod: pod('Never', ['app'], [sidecar('proxy'), 'setup']), observe: (o) => o.sandbox('running').container('proxy', running()), notStarted: ['proxy-0'],
        want: containers(keep('proxy')),
      },
      {
        name: 'a started sidecar lets the next init container run, and keeps running',
        pod: pod('Never', ['app'], [sidecar('proxy'), 'setup']), observe: (o) => o.sandbox('running').container('proxy', running()),
        want: containers(keep('proxy'), start('setup', 'init')),
      },
      {
        name: 'an exited sidecar restarts even in a Never pod, beside the running app',
        pod: pod('Never', ['app'], [sidecar('proxy'), 'setup']),
        observe: (o) => o.sandbox('running').container('proxy', exited(0)).container('setup', exited(0)).container('app', running()),
        want: containers(restart('proxy', 1, 0, 'sidecar'), keep('app')),
      },
      {
        name: 'a sidecar in backoff waits, and the app is kept',
        pod: pod('Always', ['app'], [sidecar('proxy')]),
        observe: (o) => o.sandbox('running').container('proxy', exited(1)).container('app', running()), backedOff: ['proxy'],
        want: containers(backoff('proxy', 'proxy-0'), keep('app')),
      },
      {
        name: 'once the app containers are done for good, the running sidecars are stopped',
        pod: pod('Never', ['app'], [sidecar('proxy'), sidecar('log')]),
        observe: (o) => o.sandbox('running').container('proxy', running()).container('log', running()).container('app', exited(0)),
        want: containers({ type: 'stopSidecars', ids: ['proxy-0', 'log-0'], reason: 'RegularContainersDone' }),
      },
      {
        name: 'an OnFailure app that failed is not done: it restarts and the sidecar is kept',
        pod: pod('OnFailure', ['app'], [sidecar('proxy')]),
        observe: (o) => o.sandbox('running').container('proxy', running()).container('app', exited(1)),
        want: containers(keep('proxy'), restart('app', 1, 1)),
      },
    ]);
  });

  describe('regular containers', () => {
    table([
      {
        name: 'every container starts in a running sandbox',
        pod: pod('Always', ['a', 'b']), observe: (o) => o.sandbox('running'),
        want: containers(start('a'), start('b')),
      },
      {
        name: 'running containers of the current definition are kept',
        pod: pod('Always', ['a', 'b']), observe: (o) => o.sandbox('running').container('a', running()).container('b', running()),
        want: containers(keep('a'), keep('b')),
      },
      ...([
        ['Always', 0, true], ['Always', 1, true], ['OnFailure', 0, false], ['OnFailure', 1, true], ['Never', 0, false], ['Never', 1, false],
      ] as const).map(([policy, code, restarts]): Case => ({
        name: `an exited container (code ${code}) of a ${policy} pod ${restarts ? 'restarts' : 'stays exited'}`,
        pod: pod(policy, ['app']), observe: (o) => o.sandbox('running').container('app', exited(code)),
        want: containers(restarts ? restart('app', 1, code) : keep('app', 'ExitedForGood')),
      })),
      {
        name: 'a restart counts on from the newest attempt',
        pod: pod('Always', ['app']), observe: (o) => o.sandbox('running').container('app', exited(1), exited(1, EXIT_MS - 60_000)),
        want: containers(restart('app', 2, 1)),
      },
      {
        name: 'a container in backoff waits until it expires (CrashLoopBackOff)',
        pod: pod('Always', ['app']), observe: (o) => o.sandbox('running').container('app', exited(1)), backedOff: ['app'],
        want: containers(backoff('app', 'app-0')),
      },
      {
        name: 'a running container of an older definition is killed and started again',
        pod: pod('Always', ['app']), observe: (o) => o.sandbox('running').container('app', running({ staleSpec: true })),
        want: containers(
          { type: 'killContainer', name: 'app', id: 'app-0', reason: 'SpecChanged', message: 'Container app definition changed, will be restarted' },
          { type: 'startContainer', name: 'app', role: 'regular', restartCount: 1, reason: 'SpecChanged' },
        ),
      },
      {
        name: 'in a Never pod it is only killed',
        pod: pod('Never', ['app']), observe: (o) => o.sandbox('running').container('app', running({ staleSpec: true })),
        want: containers({ type: 'killContainer', name: 'app', id: 'app-0', reason: 'SpecChanged', message: 'Container app definition changed, will be restarted' }),
      },
      {
        name: 'a container created but never started (the agent stopped in between) is started',
        pod: pod('Always', ['app']), observe: (o) => o.sandbox('running').container('app', created()),
        want: containers({ type: 'startCreated', name: 'app', id: 'app-0', reason: 'CreatedNotStarted' }),
      },
      {
        name: 'a container whose image cannot be pulled is still to start: the image puller owns ImagePullBackOff',
        pod: pod('Always', ['app', 'bad']), observe: (o) => o.sandbox('running').container('app', running()),
        want: containers(keep('app'), start('bad')),
      },
    ]);
  });

  describe('a finished pod, and pruning', () => {
    table([
      ...(['Succeeded', 'Failed'] as const).map((phase): Case => ({
        name: `a ${phase} pod is released: what still runs (sidecars, the sandbox) is stopped, nothing starts`,
        pod: pod('Never', ['app'], [sidecar('proxy')]), phase,
        observe: (o) => o.sandbox('running').container('proxy', running()).container('app', exited(phase === 'Succeeded' ? 0 : 1)),
        want: { stage: 'release', actions: [{ type: 'killPod', reason: 'PodFinished' }] },
      })),
      {
        name: 'a finished pod with nothing running has nothing to do, even without a sandbox',
        pod: pod('Never', ['app']), phase: 'Succeeded', observe: (o) => o.sandbox('exited').container('app', exited(0)),
        want: { stage: 'release', actions: [] },
      },
      {
        name: 'attempts beyond current and lastState are removed, and sandboxes beyond the newest',
        pod: pod('Always', ['app']),
        observe: (o) => o.sandbox('running', 'exited').container('app', running(), exited(1), exited(1), exited(1)),
        want: containers(keep('app'), { type: 'removeContainers', ids: ['POD-0', 'app-1', 'app-0'], reason: 'Pruned' }),
      },
    ]);
  });

  it('measures the backoff from the exit, or from now when the runtime gave no exit time', () => {
    const p = pod('Always', ['a', 'b']);
    const runtime = anObservation(p).sandbox('running').container('a', exited(1)).container('b', exited(1, Number.NaN)).build();
    const restarts = restartsFor();
    const result = computePodActions(p, { runtime }, restarts, T0);
    assert.deepEqual(restarts.asked, [['a', EXIT_MS], ['b', T0]]);
    assert.deepEqual(result.actions[1], { type: 'startContainer', name: 'b', role: 'regular', restartCount: 1, reason: 'Restart', exited: { exitCode: 1, finishedAtMs: T0 } });
  });

  it('never asks the backoff about a container its policy keeps exited', () => {
    const p = pod('OnFailure', ['app']);
    const restarts = restartsFor();
    computePodActions(p, { runtime: anObservation(p).sandbox('running').container('app', exited(0)).build() }, restarts, T0);
    assert.deepEqual(restarts.asked, []);
  });
});

describe('probeKillAction (a failed liveness or startup probe)', () => {
  const p = pod('Always', ['app'], [sidecar('proxy')]);
  const details = (status: 'running' | 'exited') => anObservation(p).sandbox('running').container('app', status === 'running' ? running() : exited(1)).build().containers.get('app')?.current;
  const message = 'Container app failed liveness probe, will be restarted';

  it('kills the running attempt the probe failed on', () => {
    assert.deepEqual(probeKillAction(p, 'app', details('running'), message), { type: 'killContainer', name: 'app', id: 'app-0', reason: 'ProbeFailed', message });
  });

  it('leaves an attempt that is not running any more (its restart policy already applies)', () => {
    assert.equal(probeKillAction(p, 'app', details('exited'), message), undefined);
    assert.equal(probeKillAction(p, 'app', undefined, message), undefined);
  });

  it('ignores a container the pod no longer has, and a pod no longer desired', () => {
    assert.equal(probeKillAction(p, 'gone', details('running'), message), undefined);
    assert.equal(probeKillAction(undefined, 'app', details('running'), message), undefined);
  });
});
