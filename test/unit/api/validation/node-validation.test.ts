import assert from 'node:assert/strict';
import type { Node } from '../../../../api/core-v1';
import { validateNode, validateNodeUpdate } from '../../../../api/validation/node-validation';
import { brief } from './pod-builder';

const aNode = (patch: Partial<Node> = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'pi-1', resourceVersion: '3' },
  spec: { podCIDRs: ['10.42.1.0/24'] },
  status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' }, allocatable: { cpu: '4', memory: '7Gi', pods: '110' } },
  ...patch,
});

describe('validateNode', () => {
  it('accepts a well-formed node', () => assert.deepEqual(validateNode(aNode()), []));

  it('forbids a namespace and checks the name', () => {
    const causes = validateNode(aNode({ metadata: { name: 'Pi_1', namespace: 'x' } }));
    assert.deepEqual(causes.map((c) => c.field), ['metadata.name', 'metadata.namespace']);
  });

  it('checks taints, reporting them under metadata.taints as Kubernetes does', () => {
    const node = aNode({ spec: { taints: [{ key: 'a', effect: 'Sometimes' as 'NoSchedule' }, { key: 'b', effect: 'NoSchedule' }, { key: 'b', effect: 'NoSchedule' }] } });
    const causes = brief(validateNode(node));
    assert.equal(causes[0], 'metadata.taints[0].effect FieldValueNotSupported Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"');
    assert.match(causes[1], /^metadata\.taints\[2\] FieldValueDuplicate Duplicate value: .*: taints must be unique by key and effect pair$/);
  });

  it('rejects negative or malformed capacity', () => {
    const node = aNode({ status: { capacity: { cpu: '-1', memory: 'lots' } } });
    assert.deepEqual(brief(validateNode(node)).map((s) => s.split(' ')[0]), ['status.capacity.cpu', 'status.capacity.memory']);
  });

  it('rejects an invalid pod CIDR', () => {
    assert.deepEqual(brief(validateNode(aNode({ spec: { podCIDRs: ['10.42.1.0/33'] } }))), [
      'spec.podCIDRs[0] FieldValueInvalid Invalid value: "10.42.1.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ]);
  });
});

describe('validateNodeUpdate', () => {
  it('lets unschedulable and taints change', () => {
    const next = aNode({ spec: { podCIDRs: ['10.42.1.0/24'], unschedulable: true, taints: [{ key: 'x', effect: 'NoExecute' }] } });
    assert.deepEqual(validateNodeUpdate(next, aNode()), []);
  });

  it('keeps the pod CIDR once set', () => {
    assert.deepEqual(brief(validateNodeUpdate(aNode({ spec: { podCIDRs: ['10.42.2.0/24'] } }), aNode())), [
      'spec.podCIDRs FieldValueForbidden Forbidden: node updates may not change podCIDR except from "" to valid',
    ]);
  });
});
