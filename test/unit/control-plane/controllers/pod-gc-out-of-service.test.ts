import assert from 'node:assert/strict';
import type { Node, Pod, Taint } from '../../../../api/core-v1';
import { isOutOfService, planOutOfService } from '../../../../control-plane/controllers/pod-gc-plan';
import { aNode, aPod } from './fixtures';

const OUT_OF_SERVICE: Taint = { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' };
const node = (ready: 'True' | 'False' | 'Unknown', taints: Taint[]): Node => ({ ...aNode('pi2', { ready }), spec: { taints } });
const terminating = (name: string, phase: 'Running' | 'Succeeded' = 'Running'): Pod => {
  const pod = aPod(name, { nodeName: 'pi2' });
  return { ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2026-01-01T10:00:00Z' }, status: { ...pod.status, phase } };
};

describe('pod garbage collector plan (terminating pods of out-of-service nodes)', () => {
  const cases: { name: string; node: Node; out: boolean }[] = [
    { name: 'Unknown and tainted out-of-service NoExecute', node: node('Unknown', [OUT_OF_SERVICE]), out: true },
    { name: 'Ready False and tainted', node: node('False', [OUT_OF_SERVICE]), out: true },
    { name: 'Ready True and tainted: not out of service (the agent still runs it)', node: node('True', [OUT_OF_SERVICE]), out: false },
    { name: 'Unknown without the taint', node: node('Unknown', []), out: false },
    { name: 'the taint with NoSchedule only', node: node('Unknown', [{ ...OUT_OF_SERVICE, effect: 'NoSchedule' }]), out: false },
  ];
  for (const c of cases) it(`${c.name}: ${c.out ? 'out of service' : 'in service'}`, () => assert.equal(isOutOfService(c.node), c.out));

  it('force-collects only the terminating pods, running ones turned Failed, finished ones left as they are', () => {
    const plan = planOutOfService(node('Unknown', [OUT_OF_SERVICE]), [aPod('running', { nodeName: 'pi2' }), terminating('web-0'), terminating('done', 'Succeeded')]);
    assert.deepEqual(plan.map((c) => [c.pod.metadata.name, c.status?.phase]), [['web-0', 'Failed'], ['done', undefined]]);
  });

  it('collects nothing from a node in service', () => {
    assert.deepEqual(planOutOfService(node('True', [OUT_OF_SERVICE]), [terminating('web-0')]), []);
  });
});
