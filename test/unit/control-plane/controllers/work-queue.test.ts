import assert from 'node:assert/strict';
import { WorkQueue } from '../../../../control-plane/controllers/work-queue';
import { until } from '../../../../scripts/cluster/wait-until';

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
});
