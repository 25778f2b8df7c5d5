import assert from 'node:assert/strict';
import { aNodeSessionRecord } from '../../../../control-plane/nodes/node-session-record';
import { aReplicaAddressRecord } from '../../../../control-plane/nodes/replica-address-record';
import { holderOf, otherReplicas } from '../../../../control-plane/nodes/replica-directory';

const addresses = [aReplicaAddressRecord('a', '10.0.0.1:6444'), aReplicaAddressRecord('b', '10.0.0.2:6444'), aReplicaAddressRecord('c', '10.0.0.3:6444')];

describe('replica directory: who holds a node\'s session', () => {
  it('lists every other replica with its node-service address', () => {
    assert.deepEqual(otherReplicas({ sessions: () => [], addresses: () => addresses }, 'b'), [{ identity: 'a', address: '10.0.0.1:6444' }, { identity: 'c', address: '10.0.0.3:6444' }]);
  });

  it('names the replica the node speaks on, before a silent one, the newest first, never this replica', () => {
    const sessions = [
      aNodeSessionRecord('pi1', 'a', new Date('2026-12-07T10:00:00Z'), 6_000),
      aNodeSessionRecord('pi1', 'c', new Date('2026-12-07T09:00:00Z')),
      aNodeSessionRecord('pi2', 'a', new Date('2026-12-07T09:00:00Z')),
      aNodeSessionRecord('pi2', 'c', new Date('2026-12-07T10:00:00Z')),
      aNodeSessionRecord('pi3', 'b', new Date('2026-12-07T10:00:00Z')),
    ];
    const records = { sessions: () => sessions, addresses: () => addresses };
    assert.equal(holderOf(records, 'pi1', 'b')?.identity, 'c');
    assert.equal(holderOf(records, 'pi2', 'b')?.identity, 'c');
    assert.equal(holderOf(records, 'pi3', 'b'), undefined, 'held here: not relayed');
    assert.equal(holderOf(records, 'pi4', 'b'), undefined);
  });

  it('has no holder when the holding replica has no address record', () => {
    const records = { sessions: () => [aNodeSessionRecord('pi1', 'd', new Date())], addresses: () => addresses };
    assert.equal(holderOf(records, 'pi1', 'b'), undefined);
  });
});
