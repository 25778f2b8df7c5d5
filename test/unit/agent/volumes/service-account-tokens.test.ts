import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import { projectedPayload } from '../../../../agent/volumes/projected-payload';
import { ServiceAccountTokens, type TokenAsk } from '../../../../agent/volumes/service-account-tokens';
import { FakeClock } from '../../../support/fake-clock';

const POD = { metadata: { name: 'web', namespace: 'apps', uid: 'u1' }, spec: { serviceAccountName: 'robot', containers: [] } } as unknown as Pod;

function setUp(): { clock: FakeClock; asks: TokenAsk[]; due: string[]; tokens: ServiceAccountTokens; fail: { now: boolean } } {
  const clock = new FakeClock();
  const asks: TokenAsk[] = [];
  const due: string[] = [];
  const fail = { now: false };
  const tokens = new ServiceAccountTokens(async (ask) => {
    if (fail.now) throw new Error('UNAVAILABLE: no control plane');
    asks.push(ask);
    return { token: `t${asks.length}`, expiresAtMs: clock.now() + ask.expirationSeconds * 1000 };
  }, { clock, onRenewDue: (uid) => due.push(uid), log: () => undefined });
  return { clock, asks, due, tokens, fail };
}

describe('service-account token manager (agent)', () => {
  const signal = new AbortController().signal;

  it('asks once per pod, audience and lifetime, and renews at 80 % of the lifetime', async () => {
    const { clock, asks, due, tokens } = setUp();
    const projection = { path: 'token', expirationSeconds: 3607 };
    assert.equal(await tokens.token(POD, projection, signal), 't1');
    assert.deepEqual(asks, [{ namespace: 'apps', name: 'web', uid: 'u1', serviceAccountName: 'robot', audience: '', expirationSeconds: 3607 }]);
    await clock.advance(2_885_000);
    assert.equal(await tokens.token(POD, projection, signal), 't1', 'still fresh before 80 %');
    assert.deepEqual(due, []);
    await clock.advance(1_000);
    assert.deepEqual(due, ['u1'], 'the pod is woken when the token is due');
    assert.equal(await tokens.token(POD, projection, signal), 't2');
    tokens.dispose();
  });

  it('keeps a token that has not expired when the control plane cannot be asked, and fails once it has', async () => {
    const { clock, tokens, fail } = setUp();
    const projection = { path: 'token', expirationSeconds: 600 };
    await tokens.token(POD, projection, signal);
    fail.now = true;
    await clock.advance(500_000);
    assert.equal(await tokens.token(POD, projection, signal), 't1');
    await clock.advance(100_000);
    await assert.rejects(tokens.token(POD, projection, signal), /failed to fetch token: UNAVAILABLE/);
    tokens.dispose();
  });

  it('forgets a pod: its timers go and the next ask fetches again', async () => {
    const { clock, asks, tokens } = setUp();
    await tokens.token(POD, { path: 'token' }, signal);
    const timers = clock.timers;
    tokens.forgetPod('u1');
    assert.equal(clock.timers, timers - 1);
    await tokens.token(POD, { path: 'token' }, signal);
    assert.equal(asks.length, 2);
    tokens.dispose();
  });

  /** A manager whose fetches wait until the test answers them. */
  function held(): { tokens: ServiceAccountTokens; asks: TokenAsk[]; signals: AbortSignal[]; answer: (token: string) => void } {
    const clock = new FakeClock();
    const asks: TokenAsk[] = [];
    const signals: AbortSignal[] = [];
    const waiting: ((token: string) => void)[] = [];
    const tokens = new ServiceAccountTokens((ask, signal) => {
      asks.push(ask);
      signals.push(signal);
      return new Promise((resolve) => waiting.push((token) => resolve({ token, expiresAtMs: clock.now() + 3_600_000 })));
    }, { clock, onRenewDue: () => undefined, log: () => undefined });
    return { tokens, asks, signals, answer: (token) => waiting.shift()?.(token) };
  }

  it('asks once while a fetch is under way: a prefetch and the passes that follow share its answer', async () => {
    const { tokens, asks, answer } = held();
    tokens.prefetch(POD, { path: 'token' });
    tokens.prefetch(POD, { path: 'token' });
    const first = tokens.token(POD, { path: 'token' }, signal);
    const second = tokens.token(POD, { path: 'token' }, signal);
    assert.equal(asks.length, 1);
    answer('shared');
    assert.deepEqual(await Promise.all([first, second]), ['shared', 'shared']);
    assert.equal(await tokens.token(POD, { path: 'token' }, signal), 'shared');
    assert.equal(asks.length, 1);
    tokens.dispose();
  });

  it('lets a pass cut short stop waiting while the fetch goes on; its token serves the next pass', async () => {
    const { tokens, asks, signals, answer } = held();
    const cut = new AbortController();
    const waiting = tokens.token(POD, { path: 'token' }, cut.signal);
    cut.abort(new Error('fenced'));
    await assert.rejects(waiting, /fenced/);
    assert.equal(signals[0]?.aborted, false);
    answer('kept');
    assert.equal(await tokens.token(POD, { path: 'token' }, signal), 'kept');
    assert.equal(asks.length, 1);
    tokens.dispose();
  });

  it('stops a fetch under way when its pod is forgotten, and does not keep what it brings', async () => {
    const { tokens, asks, signals, answer } = held();
    tokens.prefetch(POD, { path: 'token' });
    tokens.forgetPod('u1');
    assert.equal(signals[0]?.aborted, true);
    answer('late');
    const next = tokens.token(POD, { path: 'token' }, signal);
    assert.equal(asks.length, 2, 'the forgotten fetch is not shared');
    answer('fresh');
    assert.equal(await next, 'fresh');
    tokens.dispose();
  });

  it('writes the token of a serviceAccountToken source at its path with the volume mode', () => {
    const payload = projectedPayload({ sources: [{ serviceAccountToken: { path: 'token' } }], defaultMode: 0o644 }, { pod: POD, allocatable: {}, tokens: new Map([[0, 'jwt']]) });
    assert.ok(!(payload instanceof Error));
    assert.deepEqual([...payload].map(([p, f]) => [p, f.data.toString(), f.mode]), [['token', 'jwt', 0o644]]);
    const failed = projectedPayload({ sources: [{ serviceAccountToken: { path: 'token' } }] }, { pod: POD, allocatable: {}, tokens: new Map([[0, new Error('failed to fetch token: x')]]) });
    assert.ok(failed instanceof Error && /failed to fetch token/.test(failed.message));
  });
});
