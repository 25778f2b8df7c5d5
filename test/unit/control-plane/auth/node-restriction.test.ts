import assert from 'node:assert/strict';
import type { Node } from '../../../../api/core-v1';
import { isApiError } from '../../../../api/errors';
import { admitNodeWrite, forbiddenNodeLabels } from '../../../../control-plane/auth/node-restriction';
import type { Requester } from '../../../../control-plane/auth/requester';

const asUser = (name: string, groups: string[]): Requester => ({ user: { name, groups } } as unknown as Requester);
const NODE_A = asUser('system:node:pi-a', ['system:nodes']);
const aNode = (name: string, labels: Record<string, string> = {}, taints: { key: string; effect: string }[] = []): Node =>
  ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: { taints } }) as Node;

function refusal(fn: () => void): string {
  try {
    fn();
  } catch (err: unknown) {
    assert.ok(isApiError(err, 'Forbidden'), String(err));
    return err.message;
  }
  assert.fail('allowed');
}

describe('NodeRestriction of Node writes', () => {
  it('forbids node-restriction.kubernetes.io and unknown kubernetes.io / k8s.io labels, not the kubelet\'s own', () => {
    const next = { 'kubernetes.io/hostname': 'pi-a', 'node.kubernetes.io/instance-type': 'pi4', 'node-role.kubernetes.io/worker': '', 'x.node-restriction.kubernetes.io/secure': 'y', 'example.k8s.io/a': 'b', 'home.lan/rack': '2' };
    assert.deepEqual(forbiddenNodeLabels(next, undefined), ['example.k8s.io/a', 'node-role.kubernetes.io/worker', 'x.node-restriction.kubernetes.io/secure']);
    assert.deepEqual(forbiddenNodeLabels({}, { 'node-role.kubernetes.io/worker': '' }), ['node-role.kubernetes.io/worker'], 'removing one is modifying it');
    assert.deepEqual(forbiddenNodeLabels({ 'node-role.kubernetes.io/worker': '' }, { 'node-role.kubernetes.io/worker': '' }), []);
  });

  it('lets a node create and update only its own Node, without restricted labels or taint changes', () => {
    admitNodeWrite(NODE_A, aNode('pi-a', { 'home.lan/rack': '2' }), undefined);
    assert.equal(refusal(() => admitNodeWrite(NODE_A, aNode('pi-b'), undefined)), 'nodes "pi-b" is forbidden: node "pi-a" is not allowed to modify node "pi-b"');
    assert.match(refusal(() => admitNodeWrite(NODE_A, aNode('pi-a', { 'node-role.kubernetes.io/control-plane': '' }), undefined)), /is not allowed to set the following labels: node-role.kubernetes.io\/control-plane/);
    const current = aNode('pi-a', {}, [{ key: 'dedicated', effect: 'NoSchedule' }]);
    assert.match(refusal(() => admitNodeWrite(NODE_A, aNode('pi-a'), current)), /node "pi-a" is not allowed to modify taints/);
    assert.match(refusal(() => admitNodeWrite(NODE_A, aNode('pi-a', { 'node-role.kubernetes.io/x': '' }, current.spec?.taints as never), current)), /is not allowed to modify labels: node-role.kubernetes.io\/x/);
    admitNodeWrite(NODE_A, aNode('pi-a', { 'home.lan/rack': '3' }, current.spec?.taints as never), current);
  });

  it('leaves users alone', () => {
    admitNodeWrite(asUser('admin', ['system:masters']), aNode('pi-b', { 'node-role.kubernetes.io/worker': '' }), undefined);
  });
});
