import assert from 'node:assert/strict';
import { NodeLiveness } from '../../../../control-plane/nodes/node-liveness';

function setup(graceMs = 5000) {
  const clock = { t: 1_000_000, now: () => clock.t };
  const liveness = new NodeLiveness({ gracePeriodMs: graceMs, clock });
  const transitions: string[] = [];
  liveness.onTransition((n) => void transitions.push(n));
  return { clock, liveness, transitions };
}

describe('NodeLiveness', () => {
  it('is alive while the session is open and heard from within the grace period', () => {
    const { clock, liveness } = setup();
    const token = liveness.sessionOpened('pi-1');
    clock.t += 4000;
    liveness.seen('pi-1', token);
    clock.t += 4999;
    assert.equal(liveness.isAlive('pi-1'), true);
    clock.t += 1;
    assert.equal(liveness.isAlive('pi-1'), false);
    assert.equal(liveness.isConnected('pi-1'), true);
  });

  it('is not alive once the session closed, keeping the last-seen time', () => {
    const { clock, liveness } = setup();
    const token = liveness.sessionOpened('pi-1');
    const opened = clock.t;
    liveness.sessionClosed('pi-1', token);
    assert.equal(liveness.isAlive('pi-1'), false);
    assert.equal(liveness.lastSeen('pi-1'), opened);
  });

  it('reports transitions only, not every heartbeat', () => {
    const { clock, liveness, transitions } = setup();
    const token = liveness.sessionOpened('pi-1');
    for (let i = 0; i < 10; i++) {
      clock.t += 1000;
      liveness.seen('pi-1', token);
    }
    assert.deepEqual(transitions, ['pi-1']);
    clock.t += 6000;
    liveness.seen('pi-1', token);
    assert.deepEqual(transitions, ['pi-1', 'pi-1'], 'a silent node speaking again is a transition');
    liveness.sessionClosed('pi-1', token);
    assert.equal(transitions.length, 3);
  });

  it('ignores a replaced session: its late messages and its close', () => {
    const { liveness } = setup();
    const old = liveness.sessionOpened('pi-1');
    const current = liveness.sessionOpened('pi-1');
    liveness.sessionClosed('pi-1', old);
    assert.equal(liveness.isConnected('pi-1'), true);
    liveness.sessionClosed('pi-1', current);
    assert.equal(liveness.isConnected('pi-1'), false);
  });

  it('reports forgetting a known node as a transition, and nothing for an unknown one', () => {
    const { liveness, transitions } = setup();
    liveness.sessionOpened('pi-1');
    liveness.forget('pi-1');
    liveness.forget('pi-2');
    assert.deepEqual(transitions, ['pi-1', 'pi-1']);
    assert.equal(liveness.isConnected('pi-1'), false);
  });

  it('defaults to a 1.5 s grace period', () => {
    assert.equal(new NodeLiveness().gracePeriodMs, 1500);
  });
});
