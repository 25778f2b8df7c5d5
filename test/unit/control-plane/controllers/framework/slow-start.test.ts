import assert from 'node:assert/strict';
import { slowStartBatch } from '../../../../../control-plane/controllers/framework/slow-start';

describe('slow-start batches', () => {
  it('runs the calls in batches of 1, 2, 4…, each batch at once', async () => {
    const batches: number[] = [];
    let running = 0;
    await slowStartBatch(10, async () => {
      if (running === 0) batches.push(0);
      running++;
      batches[batches.length - 1]++;
      await new Promise((r) => setImmediate(r));
      running--;
    });
    assert.deepEqual(batches, [1, 2, 4, 3]);
  });

  it('stops after the first batch with a failure, rethrowing it', async () => {
    let calls = 0;
    await assert.rejects(slowStartBatch(20, async () => {
      calls++;
      if (calls >= 2) throw new Error('quota');
    }), /quota/);
    assert.equal(calls, 3, 'the batch of 2 ran whole; no batch of 4 followed');
  });
});
