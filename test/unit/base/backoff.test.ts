import assert from 'node:assert/strict';
import { Backoff } from '../../../base/backoff';

describe('Backoff', () => {
  it('blocks a key for the armed delay after each attempt: 10 s, 20 s, 40 s', () => {
    let now = 0;
    const b = new Backoff({ now: () => now });
    assert.equal(b.blockedUntil('k'), undefined);
    assert.equal(b.next('k'), 10_000);
    assert.equal(b.blockedUntil('k'), 10_000);
    now = 10_000;
    assert.equal(b.blockedUntil('k'), undefined);
    assert.equal(b.next('k'), 20_000);
    assert.equal(b.next('k'), 40_000);
  });

  it('counts from a given event instead of the last attempt', () => {
    let now = 0;
    const b = new Backoff({ now: () => now });
    b.next('k', 0);
    now = 5_000;
    assert.equal(b.blockedUntil('k', 4_000), 14_000);
  });

  it('keeps keys apart and forgets a pod by prefix', () => {
    const b = new Backoff({ now: () => 0 });
    b.next('pod1/a');
    b.next('pod2/a');
    b.forgetPrefix('pod1/');
    assert.equal(b.blockedUntil('pod1/a'), undefined);
    assert.equal(b.blockedUntil('pod2/a'), 10_000);
  });
});
