import assert from 'node:assert/strict';
import { defaultNode } from '../../../../api/defaults/node-defaults';

describe('defaultNode', () => {
  it('copies capacity into a missing allocatable, written canonically', () => {
    const node = defaultNode({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi' }, spec: {}, status: { capacity: { cpu: '4', memory: '8388608Ki', pods: '110' } } });
    assert.deepEqual(node.status?.allocatable, { cpu: '4', memory: '8Gi', pods: '110' });
    assert.deepEqual(node.status?.capacity, { cpu: '4', memory: '8Gi', pods: '110' });
  });

  it('keeps an allocatable the node reported', () => {
    const node = defaultNode({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi' }, spec: {}, status: { capacity: { cpu: '4' }, allocatable: { cpu: '3500m' } } });
    assert.deepEqual(node.status?.allocatable, { cpu: '3500m' });
  });
});
