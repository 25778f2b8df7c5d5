import assert from 'node:assert/strict';
import type { NodeCondition } from '../../../../api/core-v1';
import { RuntimeHealth } from '../../../../agent/stats/runtime-health';
import { systemClock } from '../../../../base/clock';
import { FakeClock } from '../../../support/fake-clock';
import { collectGarbage } from '../../../support/force-gc';

/** A runtime that answers or not as the test says; a frozen one never settles until the ping's signal aborts. */
class FakeRuntime {
  /** deaf: never settles, not even when the signal aborts (a client that ignores its abort signal). */
  mode: 'answers' | 'refuses' | 'frozen' | 'deaf' = 'answers';
  calls = 0;
  ping(signal: AbortSignal): Promise<void> {
    this.calls++;
    if (this.mode === 'answers') return Promise.resolve();
    if (this.mode === 'refuses') return Promise.reject(new Error('connect ECONNREFUSED'));
    if (this.mode === 'deaf') return new Promise(() => undefined);
    return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
  }
}

describe('runtime health', () => {
  let clock: FakeClock;
  let runtime: FakeRuntime;
  let changes: NodeCondition[];
  let stop: AbortController;
  let health: RuntimeHealth;
  let running: Promise<void>;

  beforeEach(() => {
    clock = new FakeClock();
    runtime = new FakeRuntime();
    changes = [];
    stop = new AbortController();
    health = new RuntimeHealth({ runtime, clock, intervalMs: 1000, timeoutMs: 5000, onChange: (c) => changes.push(c), log: () => undefined });
    running = health.run(stop.signal);
  });

  afterEach(async () => {
    stop.abort();
    await running;
    assert.equal(clock.timers, 0, 'no timer left behind');
  });

  it('reports nothing while Docker answers', async () => {
    await clock.advance(10_000);
    assert.ok(runtime.calls >= 10);
    assert.equal(changes.length, 0);
    assert.equal(health.condition().status, 'True');
  });

  it('reports Ready False once a refusing Docker failed three pings, and True at its first answer', async () => {
    runtime.mode = 'refuses';
    await clock.advance(2500); // pings at 1 s and 2 s failed
    assert.equal(changes.length, 0);
    await clock.advance(500); // the third at 3 s
    assert.deepEqual(changes.map((c) => c.status), ['False']);
    assert.equal(health.condition().reason, 'KubeletNotReady');
    runtime.mode = 'answers';
    await clock.advance(1000);
    assert.deepEqual(changes.map((c) => c.status), ['False', 'True']);
  });

  it('counts a ping that never answers as failed once its timeout passes', async () => {
    await clock.advance(1);
    runtime.mode = 'frozen';
    await clock.advance(1000 + 5000 + 1000 + 5000);
    assert.equal(changes.length, 0);
    await clock.advance(1000 + 5000);
    assert.equal(changes[0]?.status, 'False');
    assert.match(changes[0]?.message ?? '', /^container runtime is down: /);
  });

  it('counts a ping as failed at its timeout even when the client ignores the abort', async () => {
    await clock.advance(1);
    runtime.mode = 'deaf';
    await clock.advance(3 * (1000 + 5000));
    assert.equal(changes[0]?.status, 'False');
    assert.match(changes[0]?.message ?? '', /no answer within 5000 ms/);
  });
});

describe('runtime health on the system clock', () => {
  it('says not Ready about a frozen Docker even when garbage collections run while its pings wait', async function () {
    this.timeout(10_000);
    const runtime = new FakeRuntime();
    runtime.mode = 'frozen';
    const stop = new AbortController();
    const changes: NodeCondition[] = [];
    const health = new RuntimeHealth({ runtime, clock: systemClock, intervalMs: 10, timeoutMs: 100, onChange: (c) => changes.push(c), log: () => undefined });
    const running = health.run(stop.signal);
    try {
      // A collection in each ping's wait: the ping's timeout must still end it (the frozen-dockerd e2e hung here).
      for (let i = 0; i < 40 && changes.length === 0; i++) {
        await systemClock.sleep(50);
        collectGarbage();
      }
      assert.equal(changes[0]?.status, 'False', `after ${runtime.calls} ping(s)`);
    } finally {
      stop.abort();
      // Bounded: a watch stuck in a ping that never ends would hold the test up past its own failure.
      await Promise.race([running, systemClock.sleep(1_000)]);
    }
  });
});
