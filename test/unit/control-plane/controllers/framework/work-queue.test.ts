import assert from 'node:assert/strict';
import { WorkQueue } from '../../../../../control-plane/controllers/framework/work-queue';
import { until } from '../../../../../scripts/cluster/wait-until';
import { FakeClock, settle } from '../../../../support/fake-clock';

describe('WorkQueue', () => {
  it('processes each added key and coalesces duplicates added before processing', async () => {
    const seen: string[] = [];
    const q = new WorkQueue(async (key) => void seen.push(key));
    const ac = new AbortController();
    q.add('a'); q.add('a'); q.add('b');
    const running = q.run(ac.signal);
    await until(() => seen.length >= 2, { timeoutMs: 1000 });
    ac.abort();
    await running;
    assert.deepEqual(seen.sort(), ['a', 'b']);
  });

  it('never runs one key on two workers at once and reruns a key added while active', async () => {
    let concurrent = 0;
    let max = 0;
    let runs = 0;
    let release: () => void = () => undefined;
    const q = new WorkQueue(async () => {
      concurrent++; max = Math.max(max, concurrent); runs++;
      await new Promise<void>((r) => (release = r));
      concurrent--;
    }, { workers: 4 });
    const ac = new AbortController();
    const running = q.run(ac.signal);
    q.add('k');
    await until(() => concurrent === 1, { timeoutMs: 1000, intervalMs: 5 });
    q.add('k'); q.add('k');
    release();
    await until(() => runs === 2, { timeoutMs: 1000, intervalMs: 5 });
    release();
    await until(() => concurrent === 0, { timeoutMs: 1000, intervalMs: 5 });
    ac.abort();
    await running;
    assert.equal(max, 1);
    assert.equal(runs, 2);
  });

  it('requeues a failing key with growing backoff and forgets it on success', async () => {
    const times: number[] = [];
    const q = new WorkQueue(async () => {
      times.push(Date.now());
      if (times.length < 3) throw new Error('not yet');
    }, { baseDelayMs: 20 });
    const ac = new AbortController();
    const running = q.run(ac.signal);
    q.add('x');
    await until(() => times.length === 3, { timeoutMs: 2000 });
    ac.abort();
    await running;
    assert.ok(times[2] - times[1] >= times[1] - times[0] - 5, `delays should grow: ${times.map((t) => t - times[0])}`);
    assert.ok(times[1] - times[0] >= 15);
  });

  describe('on an injected clock', () => {
    let clock: FakeClock;
    let stop: AbortController;
    let running: Promise<void>;
    let runs: { key: string; atMs: number }[];

    function start(reconcile: (key: string) => Promise<{ requeueAfterMs?: number } | void>, opts: { baseDelayMs?: number; maxDelayMs?: number } = {}): WorkQueue {
      const q = new WorkQueue(async (key) => (runs.push({ key, atMs: clock.now() }), reconcile(key)), { clock, ...opts });
      running = q.run(stop.signal);
      return q;
    }

    beforeEach(() => {
      clock = new FakeClock(0);
      stop = new AbortController();
      runs = [];
    });

    afterEach(async () => {
      stop.abort();
      await running;
      assert.equal(clock.timers, 0, 'no delayed add outlives the run');
    });

    it('addAfter adds the key once the delay has passed, keeping the earliest of two waits', async () => {
      const q = start(async () => undefined);
      q.addAfter('k', 1000);
      q.addAfter('k', 300);
      q.addAfter('k', 5000);
      await clock.advance(299);
      assert.deepEqual(runs, []);
      await clock.advance(1);
      assert.deepEqual(runs, [{ key: 'k', atMs: 300 }]);
      await clock.advance(10_000);
      assert.equal(runs.length, 1, 'the later waits were replaced, not kept');
    });

    it('reconciles again after requeueAfterMs when the result asks for it', async () => {
      let n = 0;
      const q = start(async () => (++n < 3 ? { requeueAfterMs: 500 } : {}));
      q.add('k');
      await clock.advance(2000);
      assert.deepEqual(runs.map((r) => r.atMs), [0, 500, 1000]);
    });

    it('backs a failing key off exponentially up to the maximum, and forgets the backoff on success', async () => {
      let n = 0;
      const q = start(async () => {
        if (++n <= 4 || n === 6) throw new Error('not yet');
      }, { baseDelayMs: 100, maxDelayMs: 400 });
      q.add('k');
      await clock.advance(1000);
      assert.deepEqual(runs.map((r) => r.atMs), [0, 100, 300, 700]);
      await clock.advance(1000);
      q.add('k');
      await clock.advance(1000);
      assert.deepEqual(runs.map((r) => r.atMs).slice(4), [1100, 2000, 2100], 'after a success the first failure waits the base delay again');
    });

    it('keeps other keys moving while one backs off', async () => {
      const q = start(async (key) => {
        if (key === 'bad') throw new Error('broken');
      }, { baseDelayMs: 1000 });
      q.add('bad');
      await settle();
      q.add('good');
      await settle();
      assert.deepEqual(runs.map((r) => r.key), ['bad', 'good']);
    });
  });
});
