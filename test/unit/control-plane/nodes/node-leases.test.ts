import assert from 'node:assert/strict';
import type { Node } from '../../../../api/core-v1';
import { nodeLeaseSource } from '../../../../control-plane/nodes/node-leases';

const aNode = (name: string): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}`, creationTimestamp: '2026-12-07T10:00:00Z' }, spec: {} });

describe('node Leases from the sessions', () => {
  const seen = new Map([['pi1', Date.parse('2026-12-07T10:05:00.250Z')]]);
  const source = nodeLeaseSource({ lastSeenTimes: () => seen }, { list: () => [aNode('pi1'), aNode('pi2')] });

  it('presents a kubelet Lease per node heard from, renewed at the last message', async () => {
    assert.deepEqual(await source.list('kube-node-lease'), [{
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      metadata: { name: 'pi1', namespace: 'kube-node-lease', creationTimestamp: '2026-12-07T10:00:00Z', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'pi1', uid: 'uid-pi1' }] },
      spec: { holderIdentity: 'pi1', leaseDurationSeconds: 40, renewTime: '2026-12-07T10:05:00.250000Z' },
    }]);
  });

  it('has no Leases in other namespaces', async () => {
    assert.deepEqual(await source.list('default'), []);
    assert.equal((await source.list(undefined)).length, 1);
  });
});
