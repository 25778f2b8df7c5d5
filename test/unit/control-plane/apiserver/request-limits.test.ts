import assert from 'node:assert/strict';
import { ApiError } from '../../../../api/errors';
import { RequestLimiter } from '../../../../control-plane/apiserver/request-limits';

function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('RequestLimiter', () => {
  it('refuses reads past maxRequestsInFlight with 429 TooManyRequests and Retry-After 1, until one is released', () => {
    const limiter = new RequestLimiter({ maxRequestsInFlight: 2 });
    const first = limiter.admit('readonly', 'alice');
    limiter.admit('readonly', 'bob');
    const err = refusal(() => limiter.admit('readonly', 'carol'));
    assert.equal(err.code, 'TooManyRequests');
    assert.equal(err.httpStatus, 429);
    assert.equal(err.subject.retryAfterSeconds, 1);
    assert.match(err.message, /^Too many requests, please try again later/);
    first.release();
    limiter.admit('readonly', 'carol');
  });

  it('counts writes apart from reads', () => {
    const limiter = new RequestLimiter({ maxRequestsInFlight: 1, maxMutatingRequestsInFlight: 1 });
    limiter.admit('readonly', 'alice');
    limiter.admit('mutating', 'alice');
    assert.equal(refusal(() => limiter.admit('mutating', 'bob')).code, 'TooManyRequests');
    assert.deepEqual(limiter.counts, { readonly: 1, mutating: 1, watches: 0, usersWatching: 0 });
  });

  it('limits watches per user and in total, and never counts other long-running requests', () => {
    const limiter = new RequestLimiter({ maxWatchesPerUser: 2, maxWatches: 3 });
    const aliceFirst = limiter.admit('watch', 'alice');
    limiter.admit('watch', 'alice');
    assert.match(refusal(() => limiter.admit('watch', 'alice')).message, /2 watches open for this user/);
    limiter.admit('watch', 'bob');
    assert.match(refusal(() => limiter.admit('watch', 'carol')).message, /3 watches open/);
    for (let i = 0; i < 10; i++) limiter.admit('longRunning', 'carol');
    aliceFirst.release();
    limiter.admit('watch', 'carol');
    assert.deepEqual(limiter.counts, { readonly: 0, mutating: 0, watches: 3, usersWatching: 3 });
  });

  it('releases a slot once however often release is called', () => {
    const limiter = new RequestLimiter({ maxWatchesPerUser: 1 });
    const watch = limiter.admit('watch', 'alice');
    const read = limiter.admit('readonly', 'alice');
    for (let i = 0; i < 3; i++) {
      watch.release();
      read.release();
    }
    assert.deepEqual(limiter.counts, { readonly: 0, mutating: 0, watches: 0, usersWatching: 0 });
  });
});
