import assert from 'node:assert/strict';
import { withTimeout } from '../../../api/abort-timeout';
import { collectGarbage } from '../../support/force-gc';

describe('withTimeout', () => {
  it('aborts after the timeout even when garbage collection runs meanwhile', async () => {
    const never = new AbortController();
    const bounded = withTimeout(never.signal, 50);
    collectGarbage();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(bounded.aborted, true);
    assert.equal((bounded.reason as DOMException).name, 'TimeoutError');
  });

  it('aborts at once with the caller', () => {
    const caller = new AbortController();
    const bounded = withTimeout(caller.signal, 60_000);
    caller.abort(new Error('stop'));
    assert.equal(bounded.aborted, true);
    assert.equal((bounded.reason as Error).message, 'stop');
  });
});
