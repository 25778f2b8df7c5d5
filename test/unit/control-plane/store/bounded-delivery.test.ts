import assert from 'node:assert/strict';
import { BoundedDelivery } from '../../../../control-plane/store/bounded-delivery';

function failures(): { list: unknown[]; report: (err: unknown) => void } {
  const list: unknown[] = [];
  return { list, report: (err) => void list.push(err) };
}

describe('BoundedDelivery', () => {
  it('serves a synchronous subscriber within push, in order', () => {
    const seen: number[] = [];
    const delivery = new BoundedDelivery<number>(2, (n) => void seen.push(n), failures().report);
    for (const n of [1, 2, 3, 4, 5]) assert.equal(delivery.push(n), true);
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  });

  it('queues behind a busy subscriber and drops the backlog once it exceeds the limit', async () => {
    const seen: number[] = [];
    let release!: () => void;
    const busy = new Promise<void>((r) => (release = r));
    const delivery = new BoundedDelivery<number>(2, (n) => (seen.push(n), busy), failures().report);
    assert.deepEqual([1, 2, 3].map((n) => delivery.push(n)), [true, true, true]);
    assert.equal(delivery.backlog, 2);
    assert.equal(delivery.push(4), false);
    assert.equal(delivery.push(5), false);
    release();
    await busy;
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, [1]);
  });

  it('delivers what is queued before the final word, and nothing after it', async () => {
    const order: string[] = [];
    const delivery = new BoundedDelivery<string>(10, async (s) => void order.push(s), failures().report);
    delivery.push('a');
    delivery.push('b');
    delivery.finish(() => order.push('end'));
    assert.equal(delivery.push('c'), false);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, ['a', 'b', 'end']);
  });

  it('reports a failing subscriber and goes on with the next item', async () => {
    const seen: number[] = [];
    const reported = failures();
    const delivery = new BoundedDelivery<number>(10, (n) => {
      if (n === 1) throw new Error('sync bug');
      if (n === 2) return Promise.reject(new Error('async bug'));
      seen.push(n);
    }, reported.report);
    [1, 2, 3].forEach((n) => delivery.push(n));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, [3]);
    assert.deepEqual(reported.list.map((e) => (e as Error).message), ['sync bug', 'async bug']);
  });
});
