import assert from 'node:assert/strict';
import type { Disposable } from '../../../../base/disposable';
import { StallClock } from '../../../../base/stall-clock';
import { NodeSilence } from '../../../../control-plane/controllers/node-silence';
import { NodeLiveness } from '../../../../control-plane/nodes/node-liveness';
import { AGENT_MAX_RECONNECT_DELAY_MS } from '../../../../proto/session-timing';

const GRACE_MS = 1500;

/** A control plane's liveness on a StallClock whose event loop is run, or stalled, by hand. */
function setup() {
  let t = 10_000;
  let tick: (() => void) | undefined;
  const every = (fn: () => void): Disposable => ((tick = fn), { dispose: () => (tick = undefined) });
  const clock = new StallClock({ tickMs: 100, toleranceMs: 250, longStallMs: GRACE_MS, monotonic: () => t, every });
  const liveness = new NodeLiveness({ gracePeriodMs: GRACE_MS, clock });
  const run = (ms: number): void => {
    for (let left = ms; left > 0; left -= 100) (t += Math.min(100, left)), tick?.();
  };
  return { liveness, run, stall: (ms: number) => void (t += ms) };
}

describe('NodeSilence on a stall-aware liveness', () => {
  it('does not count this replica\'s stall against a node that spoke just before it', () => {
    const { liveness, run, stall } = setup();
    const silence = new NodeSilence(liveness);
    const token = liveness.sessionOpened('pi1');
    silence.silentForMs('pi1'); // the leader's first look
    run(300);
    liveness.seen('pi1', token);
    run(200);
    stall(1300);
    assert.equal(liveness.isAlive('pi1'), true, 'read before the late tick: the stall is not the node\'s');
    assert.equal(silence.silentForMs('pi1'), 300, '1.5 s after its last heartbeat, but the control plane ran only 300 ms of them');
  });

  it('after a long stall, gives a node whose session ended meanwhile the agents\' reconnect delay', () => {
    const { liveness, run, stall } = setup();
    const silence = new NodeSilence(liveness);
    const token = liveness.sessionOpened('pi1');
    silence.silentForMs('pi1');
    run(500);
    stall(30_000);
    run(100);
    liveness.sessionClosed('pi1', token);
    run(GRACE_MS + AGENT_MAX_RECONNECT_DELAY_MS - 200);
    assert.ok(silence.silentForMs('pi1') < GRACE_MS, `silent ${silence.silentForMs('pi1')} ms: its agent may still be waiting out its backoff`);
    run(1000);
    assert.ok(silence.silentForMs('pi1') >= GRACE_MS, 'then it is counted');
  });

  it('counts a node silent across a short stall by the time the control plane ran', () => {
    const { liveness, run, stall } = setup();
    const silence = new NodeSilence(liveness);
    liveness.sessionClosed('pi1', liveness.sessionOpened('pi1'));
    silence.silentForMs('pi1');
    run(1000);
    stall(600);
    run(1000);
    assert.equal(silence.silentForMs('pi1'), 2000, '2600 ms passed, 600 of them the tick\'s lateness: not counted');
  });
});
