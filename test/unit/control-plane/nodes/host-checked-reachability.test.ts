import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { HostCheckedReachability } from '../../../../control-plane/nodes/host-checked-reachability';
import type { HostAnswer } from '../../../../control-plane/nodes/host-probe';
import { NodeLiveness } from '../../../../control-plane/nodes/node-liveness';

const GRACE_MS = 5000;
const PROBE_AFTER_MS = 1200;

/** A node pi1 at 10.0.0.11 whose host answers what `answers` says at each probe. */
function setup(answers: HostAnswer[]) {
  const clock = { t: 1_000_000, now: () => clock.t };
  const inner = new NodeLiveness({ gracePeriodMs: GRACE_MS, clock });
  const probes: string[] = [];
  const logs: string[] = [];
  const transitions: string[] = [];
  const checked = new HostCheckedReachability(inner, {
    probeAfterMs: PROBE_AFTER_MS, tickMs: 2, log: (m) => void logs.push(m),
    nodeNames: () => ['pi1'], addressOf: (name) => (name === 'pi1' ? '10.0.0.11' : undefined),
    probe: async (address) => {
      probes.push(address);
      return answers.shift() ?? 'answered';
    },
  });
  checked.onTransition((name) => void transitions.push(name));
  return { clock, inner, checked, probes, logs, transitions };
}

/** Lets the checker's timer and probes run. */
const settle = (): Promise<void> => sleep(20);

describe('HostCheckedReachability', () => {
  it('makes a silent node unreachable after the short wait once its host, which answered before, answers nothing', async () => {
    const { clock, inner, checked, probes, transitions } = setup(['answered', 'silent']);
    const token = inner.sessionOpened('pi1');
    checked.start();
    await settle();
    assert.deepEqual(probes, ['10.0.0.11'], 'asked once while alive, to learn that the host answers');
    assert.equal(checked.suspectAfterMs('pi1'), PROBE_AFTER_MS / 2);

    clock.t += PROBE_AFTER_MS - 1;
    await settle();
    assert.equal(probes.length, 1, 'not asked before the short wait');
    clock.t += 1;
    await settle();
    assert.equal(probes.length, 2);
    assert.equal(inner.isAlive('pi1'), true, 'within the grace period as far as heartbeats go');
    assert.equal(checked.isAlive('pi1'), false);
    assert.equal(checked.graceFor('pi1'), PROBE_AFTER_MS);
    assert.ok(transitions.includes('pi1'), 'the verdict is a transition');

    inner.seen('pi1', token);
    assert.equal(checked.isAlive('pi1'), true, 'speaking again ends the verdict');
    assert.equal(checked.graceFor('pi1'), GRACE_MS);
    checked.dispose();
  });

  it('keeps the whole grace period for a node whose host answers while its agent is silent, asking again each short wait', async () => {
    const { clock, inner, checked, probes } = setup(['answered', 'answered', 'answered']);
    inner.sessionOpened('pi1');
    checked.start();
    await settle();
    clock.t += PROBE_AFTER_MS;
    await settle();
    assert.equal(checked.isAlive('pi1'), true);
    assert.equal(checked.graceFor('pi1'), GRACE_MS);
    assert.equal(probes.length, 2);
    clock.t += PROBE_AFTER_MS / 2;
    await settle();
    assert.equal(probes.length, 2, 'not asked again within the short wait');
    clock.t += PROBE_AFTER_MS / 2;
    await settle();
    assert.equal(probes.length, 3, 'asked again: a host can die while its agent is stalled');
    checked.dispose();
  });

  it('never believes the silence of a host that did not answer while its node was alive (a firewall), and says so once', async () => {
    const { clock, inner, checked, probes, logs } = setup(['silent', 'silent']);
    inner.sessionOpened('pi1');
    checked.start();
    await settle();
    assert.equal(checked.suspectAfterMs('pi1'), GRACE_MS / 2);
    clock.t += GRACE_MS - 1;
    await settle();
    assert.equal(probes.length, 1, 'not asked during the silence');
    assert.equal(checked.isAlive('pi1'), true);
    assert.equal(checked.graceFor('pi1'), GRACE_MS);
    assert.equal(logs.length, 1);
    assert.match(logs[0] ?? '', /node "pi1"'s host does not answer a connection attempt to 10\.0\.0\.11.*waits the whole grace period \(5000 ms\)/);
    checked.dispose();
  });

  it('probes nothing when the check is off (0) or not shorter than the grace period, and passes the transitions on', async () => {
    for (const probeAfterMs of [0, GRACE_MS]) {
      const clock = { t: 0, now: () => clock.t };
      const inner = new NodeLiveness({ gracePeriodMs: GRACE_MS, clock });
      let probes = 0;
      const checked = new HostCheckedReachability(inner, {
        probeAfterMs, tickMs: 2, log: () => undefined, nodeNames: () => ['pi1'], addressOf: () => '10.0.0.11',
        probe: async () => ((probes += 1), 'silent' as const),
      });
      const transitions: string[] = [];
      checked.onTransition((name) => void transitions.push(name));
      checked.start();
      inner.sessionOpened('pi1');
      assert.deepEqual(transitions, ['pi1'], 'the inner transitions still reach the controllers');
      clock.t += GRACE_MS - 1;
      await settle();
      assert.equal(probes, 0);
      assert.equal(checked.isAlive('pi1'), true);
      assert.equal(checked.suspectAfterMs('pi1'), GRACE_MS / 2);
      checked.dispose();
    }
  });
});
