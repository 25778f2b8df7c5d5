import assert from 'node:assert/strict';
import type { Container, ContainerStatus, PodSpec } from '../../../../api/core-v1';
import { getPhase } from '../../../../agent/pods/pod-phase';

type State = 'running' | 'waiting' | 'ok' | 'fail' | 'crashloop' | 'absent' | 'starting';

function status(name: string, state: State): ContainerStatus | undefined {
  const base = { name, ready: false, restartCount: 0, image: 'i', imageID: '' };
  switch (state) {
    case 'running': return { ...base, state: { running: {} }, started: true };
    case 'starting': return { ...base, state: { running: {} }, started: false };
    case 'waiting': return { ...base, state: { waiting: { reason: 'ContainerCreating' } } };
    case 'ok': return { ...base, state: { terminated: { exitCode: 0 } } };
    case 'fail': return { ...base, state: { terminated: { exitCode: 1 } } };
    case 'crashloop': return { ...base, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } };
    case 'absent': return undefined;
  }
}

function spec(policy: PodSpec['restartPolicy'], inits: [string, boolean][], apps: string[]): PodSpec {
  const c = (name: string, sidecar = false): Container => ({ name, ...(sidecar ? { restartPolicy: 'Always' as const } : {}) });
  return { restartPolicy: policy, initContainers: inits.map(([n, s]) => c(n, s)), containers: apps.map((n) => c(n)) };
}

describe('pod phase (kubelet getPhase)', () => {
  const table: [string, PodSpec, Record<string, State>, string][] = [
    ['no status yet', spec('Always', [], ['a']), { a: 'absent' }, 'Pending'],
    ['container waiting', spec('Always', [], ['a']), { a: 'waiting' }, 'Pending'],
    ['one running', spec('Always', [], ['a', 'b']), { a: 'running', b: 'ok' }, 'Running'],
    ['Always, all exited', spec('Always', [], ['a']), { a: 'ok' }, 'Running'],
    ['Always, crash looping', spec('Always', [], ['a']), { a: 'crashloop' }, 'Running'],
    ['OnFailure, all succeeded', spec('OnFailure', [], ['a', 'b']), { a: 'ok', b: 'ok' }, 'Succeeded'],
    ['OnFailure, one failed (restarting)', spec('OnFailure', [], ['a']), { a: 'fail' }, 'Running'],
    ['Never, one failed', spec('Never', [], ['a', 'b']), { a: 'ok', b: 'fail' }, 'Failed'],
    ['Never, all succeeded', spec('Never', [], ['a']), { a: 'ok' }, 'Succeeded'],
    ['init running', spec('Always', [['i', false]], ['a']), { i: 'running', a: 'waiting' }, 'Pending'],
    ['init crash looping, Always', spec('Always', [['i', false]], ['a']), { i: 'crashloop', a: 'waiting' }, 'Pending'],
    ['init failed, Never', spec('Never', [['i', false]], ['a']), { i: 'fail', a: 'waiting' }, 'Failed'],
    ['init done, app running', spec('Always', [['i', false]], ['a']), { i: 'ok', a: 'running' }, 'Running'],
    ['sidecar starting, app not created', spec('Always', [['s', true]], ['a']), { s: 'starting', a: 'waiting' }, 'Pending'],
    ['sidecar and app running', spec('Never', [['s', true]], ['a']), { s: 'running', a: 'running' }, 'Running'],
    ['app done, sidecar still running', spec('Never', [['s', true]], ['a']), { s: 'running', a: 'ok' }, 'Running'],
    ['app done, sidecar stopped', spec('Never', [['s', true]], ['a']), { s: 'fail', a: 'ok' }, 'Succeeded'],
    ['app failed, sidecar stopped', spec('OnFailure', [['s', true]], ['a']), { s: 'ok', a: 'fail' }, 'Running'],
  ];
  for (const [what, podSpec, states, want] of table) {
    it(`${what}: ${want}`, () => {
      const statuses = Object.entries(states).map(([n, st]) => status(n, st)).filter((s): s is ContainerStatus => s !== undefined);
      assert.equal(getPhase(podSpec, statuses, false), want);
    });
  }

  it('a terminal pod (deleted and stopped) is Succeeded only if every container succeeded', () => {
    assert.equal(getPhase(spec('Always', [], ['a']), [status('a', 'ok')!], true), 'Succeeded');
    assert.equal(getPhase(spec('Always', [], ['a']), [status('a', 'fail')!], true), 'Failed');
  });
});
