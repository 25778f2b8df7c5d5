import assert from 'node:assert/strict';
import { Backoff } from '../../../../base/backoff';
import { crashLoopMessage, policyRestarts, RestartPolicy } from '../../../../agent/pods/restart-policy';

describe('restart policy', () => {
  const table: [Parameters<typeof policyRestarts>[0], number, boolean][] = [
    ['Always', 0, true], ['Always', 1, true], [undefined, 0, true],
    ['OnFailure', 0, false], ['OnFailure', 137, true],
    ['Never', 0, false], ['Never', 1, false],
  ];
  for (const [policy, code, want] of table) {
    it(`${policy ?? 'unset (Always)'} with exit code ${code}: ${want ? 'restart' : 'stay exited'}`, () => assert.equal(policyRestarts(policy, code), want));
  }

  it('restarts at once the first time, then backs off 10 s, 20 s… from each exit', () => {
    let now = 100_000;
    const policy = new RestartPolicy({ now: () => now });
    const exit1 = { key: 'u/app', exitCode: 1, finishedAtMs: now };
    assert.deepEqual(policy.decide('Always', exit1), { action: 'restart' });
    policy.restarted(exit1);
    now += 1_000;
    const exit2 = { key: 'u/app', exitCode: 1, finishedAtMs: now };
    assert.deepEqual(policy.decide('Always', exit2), { action: 'backoff', untilMs: now + 10_000, delayMs: 10_000 });
    now += 10_000;
    assert.deepEqual(policy.decide('Always', exit2), { action: 'restart' });
    policy.restarted(exit2);
    now += 500;
    const exit3 = { key: 'u/app', exitCode: 1, finishedAtMs: now };
    assert.deepEqual(policy.decide('Always', exit3), { action: 'backoff', untilMs: now + 20_000, delayMs: 20_000 });
  });

  it('keeps a completed OnFailure container exited, with no backoff involved', () => {
    const policy = new RestartPolicy({ now: () => 0 });
    assert.equal(policy.decide('OnFailure', { key: 'k', exitCode: 0, finishedAtMs: 0 }).action, 'keep-exited');
  });

  it('forgets the backoff after a container ran longer than twice the maximum', () => {
    let now = 0;
    const policy = new RestartPolicy({ now: () => now });
    policy.restarted({ key: 'k', exitCode: 1, finishedAtMs: 0 });
    now = 11 * 60_000;
    assert.deepEqual(policy.decide('Always', { key: 'k', exitCode: 1, finishedAtMs: now }), { action: 'restart' });
  });

  it('caps the backoff at 5 minutes', () => {
    let now = 0;
    const backoff = new Backoff({ now: () => now });
    let delay = 0;
    for (let i = 0; i < 10; i++) delay = backoff.next('k', (now += 1_000));
    assert.equal(delay, 300_000);
  });

  it('writes the kubelet CrashLoopBackOff message', () => {
    assert.equal(crashLoopMessage(20_000, 'app', { name: 'web', namespace: 'default', uid: 'u1' }), 'back-off 20s restarting failed container=app pod=web_default(u1)');
    assert.equal(crashLoopMessage(300_000, 'app', { name: 'web', namespace: 'ns', uid: 'u1' }), 'back-off 5m0s restarting failed container=app pod=web_ns(u1)');
  });
});
