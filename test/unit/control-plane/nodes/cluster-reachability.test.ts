import assert from 'node:assert/strict';
import { toDisposable, type Disposable } from '../../../../base/disposable';
import { ClusterReachability, type NodeSessionRecords } from '../../../../control-plane/nodes/cluster-reachability';
import { NodeLiveness } from '../../../../control-plane/nodes/node-liveness';
import { aNodeSessionRecord, type NodeSessionRecord } from '../../../../control-plane/nodes/node-session-record';
import type { ChangeHandler } from '../../../../control-plane/store/informer';
import { FakeClock } from '../../../support/fake-clock';

const GRACE_MS = 5_000;

/** The records informer, by hand. */
class Records implements NodeSessionRecords {
  private readonly items = new Map<string, NodeSessionRecord>();
  private readonly handlers = new Set<ChangeHandler<NodeSessionRecord>>();

  list(): NodeSessionRecord[] {
    return [...this.items.values()];
  }

  onChange(handler: ChangeHandler<NodeSessionRecord>): Disposable {
    this.handlers.add(handler);
    return toDisposable(() => this.handlers.delete(handler));
  }

  put(record: NodeSessionRecord): void {
    const name = record.metadata.name ?? '';
    const type = this.items.has(name) ? 'MODIFIED' : 'ADDED';
    this.items.set(name, record);
    for (const handler of this.handlers) handler(type, record);
  }

  remove(record: NodeSessionRecord): void {
    this.items.delete(record.metadata.name ?? '');
    for (const handler of this.handlers) handler('DELETED', record);
  }
}

function setup(existing: NodeSessionRecord[] = []) {
  const clock = new FakeClock();
  const local = new NodeLiveness({ gracePeriodMs: GRACE_MS, clock });
  const records = new Records();
  for (const record of existing) records.put(record);
  const reachability = new ClusterReachability({ local, records, identity: 'cp-a', clock });
  reachability.start();
  const transitions: string[] = [];
  reachability.onTransition((name) => void transitions.push(name));
  return { clock, local, records, reachability, transitions };
}

const heldBy = (replica: string, silentForMs?: number): NodeSessionRecord => aNodeSessionRecord('pi-1', replica, new Date(0), silentForMs);

describe('ClusterReachability', () => {
  it('counts a node as alive and seen now while another replica records an alive session to it', async () => {
    const { clock, records, reachability, transitions } = setup();
    assert.equal(reachability.isAlive('pi-1'), false);
    records.put(heldBy('cp-b'));
    assert.deepEqual(transitions, ['pi-1']);
    await clock.advance(60_000);
    assert.equal(reachability.isAlive('pi-1'), true);
    assert.equal(reachability.lastSeen('pi-1'), clock.now());
    assert.equal(reachability.gracePeriodMs, GRACE_MS);
  });

  it('reads the records present when it starts', () => {
    const { reachability } = setup([heldBy('cp-b')]);
    assert.equal(reachability.isAlive('pi-1'), true);
  });

  it('counts a node whose record went as last seen when that was observed here', async () => {
    const { clock, records, reachability, transitions } = setup();
    records.put(heldBy('cp-b'));
    await clock.advance(10_000);
    const gone = clock.now();
    records.remove(heldBy('cp-b'));
    await clock.advance(2_000);
    assert.equal(reachability.isAlive('pi-1'), false);
    assert.equal(reachability.lastSeen('pi-1'), gone);
    assert.equal(transitions.length, 2);
  });

  it('takes a silent record as a node last seen that long before the record was observed', async () => {
    const { clock, records, reachability } = setup();
    records.put(heldBy('cp-b'));
    await clock.advance(10_000);
    records.put(heldBy('cp-b', GRACE_MS));
    assert.equal(reachability.isAlive('pi-1'), false);
    assert.equal(reachability.lastSeen('pi-1'), clock.now() - GRACE_MS);
    records.remove(heldBy('cp-b', GRACE_MS));
    assert.equal(reachability.lastSeen('pi-1'), clock.now() - GRACE_MS, 'the close of a silent session is no sign of life');
  });

  it('stays alive while any replica holds the node (a session moving between replicas)', () => {
    const { records, reachability } = setup();
    records.put(heldBy('cp-b'));
    records.put(heldBy('cp-c'));
    records.remove(heldBy('cp-b'));
    assert.equal(reachability.isAlive('pi-1'), true);
  });

  it('uses its own NodeLiveness for its own sessions and skips its own records', async () => {
    const { clock, local, records, reachability, transitions } = setup();
    records.put(heldBy('cp-a'));
    assert.equal(reachability.isAlive('pi-1'), false);
    assert.deepEqual(transitions, []);
    const token = local.sessionOpened('pi-1');
    assert.deepEqual(transitions, ['pi-1']);
    assert.equal(reachability.isAlive('pi-1'), true);
    await clock.advance(1_000);
    local.sessionClosed('pi-1', token);
    assert.equal(reachability.isAlive('pi-1'), false);
    assert.equal(reachability.lastSeen('pi-1'), clock.now() - 1_000);
  });

  it('ignores what is not a record', () => {
    const { records, reachability, transitions } = setup();
    const bogus = { ...heldBy('cp-b'), spec: { nodeName: 'pi-1', replica: 7 } } as unknown as NodeSessionRecord;
    records.put(bogus);
    assert.equal(reachability.isAlive('pi-1'), false);
    assert.deepEqual(transitions, []);
  });

  it('stops listening once disposed', () => {
    const { records, reachability, transitions } = setup();
    reachability.dispose();
    records.put(heldBy('cp-b'));
    assert.deepEqual(transitions, []);
  });
});
