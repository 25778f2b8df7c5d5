import assert from 'node:assert/strict';
import { toDisposable, type Disposable } from '../../../../base/disposable';
import { NodeLiveness } from '../../../../control-plane/nodes/node-liveness';
import type { NodeSessionRecord } from '../../../../control-plane/nodes/node-session-record';
import { ReplicaSessions, type LeasedKeys } from '../../../../control-plane/nodes/replica-sessions';
import { FakeClock, settle } from '../../../support/fake-clock';

const PREFIX = '/registry/node-sessions/';
const GRACE_MS = 5_000;
const KEY = `${PREFIX}pi-1/cp-a`;

/** etcd's keys under one lease, in memory: every write is counted; `loseLease` drops them all. */
class MemoryLeasedKeys implements LeasedKeys {
  readonly values = new Map<string, string>();
  writes = 0;
  failing = false;
  private readonly lostListeners = new Set<() => void>();

  async put(key: string, value: string): Promise<void> {
    this.write();
    this.values.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.write();
    this.values.delete(key);
  }

  onLeaseLost(listener: () => void): Disposable {
    this.lostListeners.add(listener);
    return toDisposable(() => this.lostListeners.delete(listener));
  }

  loseLease(): void {
    this.values.clear();
    for (const listener of this.lostListeners) listener();
  }

  spec(key = KEY): NodeSessionRecord['spec'] | undefined {
    const value = this.values.get(key);
    return value === undefined ? undefined : (JSON.parse(value) as NodeSessionRecord).spec;
  }

  private write(): void {
    this.writes += 1;
    if (this.failing) throw new Error('etcd is away');
  }
}

function setup() {
  const clock = new FakeClock();
  const liveness = new NodeLiveness({ gracePeriodMs: GRACE_MS, clock });
  const keys = new MemoryLeasedKeys();
  const logs: string[] = [];
  const sessions = new ReplicaSessions({ liveness, keys, prefix: PREFIX, identity: 'cp-a', clock, retryMs: 1_000, log: (m) => void logs.push(m) });
  sessions.start();
  return { clock, liveness, keys, sessions, logs };
}

describe('ReplicaSessions', () => {
  it('records a node when its session opens here, naming this replica, and deletes the record when it closes', async () => {
    const { clock, liveness, keys, sessions } = setup();
    const token = liveness.sessionOpened('pi-1');
    await sessions.settled();
    assert.deepEqual(keys.spec(), { nodeName: 'pi-1', replica: 'cp-a', since: new Date(clock.now()).toISOString() });
    liveness.sessionClosed('pi-1', token);
    await sessions.settled();
    assert.equal(keys.values.size, 0);
    assert.equal(keys.writes, 2);
    sessions.dispose();
  });

  it('writes nothing for heartbeats: an idle node costs no write, however long', async () => {
    const { clock, liveness, keys, sessions } = setup();
    const token = liveness.sessionOpened('pi-1');
    for (let i = 0; i < 100; i++) {
      await clock.advance(1_000);
      liveness.seen('pi-1', token);
    }
    await sessions.settled();
    assert.equal(keys.writes, 1);
    assert.equal(clock.timers, 1, 'one silence timer for the node');
    sessions.dispose();
  });

  it('marks the record silent when the node stops speaking for the grace period, and alive when it speaks again', async () => {
    const { clock, liveness, keys, sessions } = setup();
    const token = liveness.sessionOpened('pi-1');
    await clock.advance(1_000);
    liveness.seen('pi-1', token);
    await clock.advance(GRACE_MS - 1);
    assert.equal(keys.spec()?.silentForMs, undefined);
    await clock.advance(1);
    await sessions.settled();
    assert.equal(keys.spec()?.silentForMs, GRACE_MS);
    liveness.seen('pi-1', token);
    await sessions.settled();
    assert.equal(keys.spec()?.silentForMs, undefined);
    assert.equal(keys.writes, 3);
    sessions.dispose();
  });

  it('deletes the record of a node that was deleted while connected', async () => {
    const { liveness, keys, sessions } = setup();
    liveness.sessionOpened('pi-1');
    liveness.forget('pi-1');
    await sessions.settled();
    assert.equal(keys.values.size, 0);
    sessions.dispose();
  });

  it('writes once for a burst of transitions: the state at the time of writing', async () => {
    const { liveness, keys, sessions } = setup();
    const first = liveness.sessionOpened('pi-1');
    liveness.sessionOpened('pi-1');
    liveness.sessionClosed('pi-1', first);
    await sessions.settled();
    assert.equal(keys.writes, 1);
    assert.ok(keys.spec());
    sessions.dispose();
  });

  it('retries a failed write until etcd takes it, logging the failure once', async () => {
    const { clock, liveness, keys, sessions, logs } = setup();
    keys.failing = true;
    liveness.sessionOpened('pi-1');
    await sessions.settled();
    await clock.advance(1_000);
    await sessions.settled();
    assert.equal(keys.values.size, 0);
    keys.failing = false;
    await clock.advance(1_000);
    await sessions.settled();
    assert.ok(keys.spec());
    assert.equal(keys.writes, 3);
    assert.equal(logs.length, 1, logs.join('\n'));
    sessions.dispose();
  });

  it('writes every record again when the lease is lost, keeping when each session began', async () => {
    const { clock, liveness, keys, sessions } = setup();
    const since = new Date(clock.now()).toISOString();
    liveness.sessionOpened('pi-1');
    await sessions.settled();
    await clock.advance(2_000);
    keys.loseLease();
    await sessions.settled();
    assert.equal(keys.spec()?.since, since);
    assert.equal(keys.writes, 2);
    sessions.dispose();
  });

  it('holds no timer and writes nothing once disposed', async () => {
    const { clock, liveness, keys, sessions } = setup();
    liveness.sessionOpened('pi-1');
    await sessions.settled();
    sessions.dispose();
    assert.equal(clock.timers, 0);
    liveness.forget('pi-1');
    await settle();
    assert.equal(keys.writes, 1);
  });
});
