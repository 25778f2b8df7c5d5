import assert from 'node:assert/strict';
import { RequestLimiter } from '../../../../control-plane/apiserver/request-limits';
import { apiRejection } from '../../../support/api-rejection';


/** Whether `p` has settled after the current turn's microtasks. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(() => { done = true; }, () => { done = true; });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('RequestLimiter', () => {
  it('refuses reads past maxRequestsInFlight with 429 TooManyRequests and Retry-After 1 when nothing may queue, until one is released', async () => {
    const limiter = new RequestLimiter({ maxRequestsInFlight: 2, maxQueued: 0 });
    const first = await limiter.admit('readonly', 'alice');
    await limiter.admit('readonly', 'bob');
    const err = await apiRejection(limiter.admit('readonly', 'carol'));
    assert.equal(err.code, 'TooManyRequests');
    assert.equal(err.httpStatus, 429);
    assert.equal(err.subject.retryAfterSeconds, 1);
    assert.match(err.message, /^Too many requests, please try again later/);
    first.release();
    await limiter.admit('readonly', 'carol');
  });

  it('queues a burst past the limit and serves it in order as slots free', async () => {
    const limiter = new RequestLimiter({ maxMutatingRequestsInFlight: 1, maxQueued: 2 });
    const first = await limiter.admit('mutating', 'alice');
    const second = limiter.admit('mutating', 'bob');
    const third = limiter.admit('mutating', 'carol');
    assert.match((await apiRejection(limiter.admit('mutating', 'dave'))).message, /1 mutating requests in flight, queue full/);
    assert.equal(await settled(second), false);
    assert.deepEqual(limiter.counts, { readonly: 0, mutating: 1, queued: 2, watches: 0, usersWatching: 0 });
    first.release();
    (await second).release();
    (await third).release();
    assert.deepEqual(limiter.counts, { readonly: 0, mutating: 0, queued: 0, watches: 0, usersWatching: 0 });
  });

  it('refuses a queued request after maxQueueWaitMs, and forgets one whose client went away', async () => {
    const limiter = new RequestLimiter({ maxRequestsInFlight: 1, maxQueued: 5, maxQueueWaitMs: 50 });
    const held = await limiter.admit('readonly', 'alice');
    const started = Date.now();
    assert.match((await apiRejection(limiter.admit('readonly', 'bob'))).message, /waited too long/);
    assert.ok(Date.now() - started >= 45);
    const gone = new AbortController();
    const leaving = limiter.admit('readonly', 'carol', gone.signal);
    gone.abort();
    assert.match((await apiRejection(leaving)).message, /client gone/);
    assert.equal(limiter.counts.queued, 0);
    held.release();
    assert.equal(limiter.counts.readonly, 0);
  });

  it('refuses a user past maxRequestsPerUser at once, reads and writes together, while others are served', async () => {
    const limiter = new RequestLimiter({ maxRequestsPerUser: 2, maxRequestsInFlight: 10 });
    const first = await limiter.admit('readonly', 'runaway');
    await limiter.admit('mutating', 'runaway');
    const err = await apiRejection(limiter.admit('readonly', 'runaway'));
    assert.equal(err.code, 'TooManyRequests');
    assert.match(err.message, /2 requests in flight for this user/);
    await limiter.admit('readonly', 'alice');
    first.release();
    first.release();
    await limiter.admit('readonly', 'runaway');
    assert.equal((await apiRejection(limiter.admit('readonly', 'runaway'))).code, 'TooManyRequests');
  });

  it('gives a user their share back when a queued request is refused', async () => {
    const limiter = new RequestLimiter({ maxRequestsPerUser: 1, maxRequestsInFlight: 1, maxQueued: 0 });
    const held = await limiter.admit('readonly', 'alice');
    assert.match((await apiRejection(limiter.admit('readonly', 'bob'))).message, /1 readonly requests in flight/);
    held.release();
    (await limiter.admit('readonly', 'bob')).release();
  });

  it('counts writes apart from reads', async () => {
    const limiter = new RequestLimiter({ maxRequestsInFlight: 1, maxMutatingRequestsInFlight: 1, maxQueued: 0 });
    await limiter.admit('readonly', 'alice');
    await limiter.admit('mutating', 'alice');
    assert.equal((await apiRejection(limiter.admit('mutating', 'bob'))).code, 'TooManyRequests');
    assert.deepEqual(limiter.counts, { readonly: 1, mutating: 1, queued: 0, watches: 0, usersWatching: 0 });
  });

  it('limits watches per user and in total, and never counts other long-running requests', async () => {
    const limiter = new RequestLimiter({ maxWatchesPerUser: 2, maxWatches: 3 });
    const aliceFirst = await limiter.admit('watch', 'alice');
    await limiter.admit('watch', 'alice');
    assert.match((await apiRejection(limiter.admit('watch', 'alice'))).message, /2 watches open for this user/);
    await limiter.admit('watch', 'bob');
    assert.match((await apiRejection(limiter.admit('watch', 'carol'))).message, /3 watches open/);
    for (let i = 0; i < 10; i++) await limiter.admit('longRunning', 'carol');
    aliceFirst.release();
    await limiter.admit('watch', 'carol');
    assert.deepEqual(limiter.counts, { readonly: 0, mutating: 0, queued: 0, watches: 3, usersWatching: 3 });
  });

  it('releases a slot once however often release is called', async () => {
    const limiter = new RequestLimiter({ maxWatchesPerUser: 1 });
    const watch = await limiter.admit('watch', 'alice');
    const read = await limiter.admit('readonly', 'alice');
    for (let i = 0; i < 3; i++) {
      watch.release();
      read.release();
    }
    assert.deepEqual(limiter.counts, { readonly: 0, mutating: 0, queued: 0, watches: 0, usersWatching: 0 });
  });
});
