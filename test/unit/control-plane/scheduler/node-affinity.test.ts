import assert from 'node:assert/strict';
import { matchesNodeSelectorAndAffinity } from '../../../../control-plane/scheduler/node-affinity';
import { aNode, aPod } from './fixtures';

const required = (...terms: object[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });

describe('matchesNodeSelectorAndAffinity', () => {
  const node = aNode('pi-1');
  node.metadata.labels = { 'kubernetes.io/arch': 'arm64', cores: '4', zone: 'a' };

  const cases: [string, object, boolean][] = [
    ['In matches', required({ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['arm64', 'arm'] }] }), true],
    ['NotIn excludes', required({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }), false],
    ['Exists', required({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }), true],
    ['DoesNotExist', required({ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }), true],
    ['Gt compares integers', required({ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['2'] }] }), true],
    ['Lt compares integers', required({ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['2'] }] }), false],
    ['terms are ORed', required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }), true],
    ['an empty term matches nothing', required({}), false],
    ['matchFields on metadata.name', required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['pi-1'] }] }), true],
  ];
  for (const [name, affinity, expected] of cases) {
    it(name, () => assert.equal(matchesNodeSelectorAndAffinity(aPod({}, { affinity: affinity as Record<string, unknown> }), node), expected));
  }

  it('requires nodeSelector and affinity together', () => {
    const pod = aPod({}, { nodeSelector: { zone: 'b' }, affinity: required({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }) });
    assert.equal(matchesNodeSelectorAndAffinity(pod, node), false);
  });
});
