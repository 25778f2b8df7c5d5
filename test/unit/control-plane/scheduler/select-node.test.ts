import assert from 'node:assert/strict';
import type { Node } from '../../../../api/core-v1';
import { selectNode, UNREADABLE_NODE } from '../../../../control-plane/scheduler/select-node';
import { aNode, aPod } from './fixtures';

describe('selectNode', () => {
  it('rejects a malformed Node (reported) and still places the pod on a good one', () => {
    const malformed = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'bad' }, spec: { taints: 'x' }, status: { allocatable: 5, conditions: 'y' } } as unknown as Node;
    const skipped: string[] = [];
    const selection = selectNode(aPod({ cpu: '100m' }), [malformed, aNode('pi1')], () => [], () => 0, (node) => skipped.push(node.metadata.name ?? ''));
    assert.equal(selection.ok && selection.node.metadata.name, 'pi1');
    assert.deepEqual(skipped, ['bad']);
  });

  it('says a node could not be read when it is the only one', () => {
    const malformed = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'bad' }, spec: { taints: 'x' }, status: { conditions: 'y' } } as unknown as Node;
    const selection = selectNode(aPod(), [malformed], () => []);
    assert.equal(selection.ok, false);
    assert.deepEqual(!selection.ok && selection.rejections, [{ reasons: [UNREADABLE_NODE], unresolvable: true }]);
  });
});
