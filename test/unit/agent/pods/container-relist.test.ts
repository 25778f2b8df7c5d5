import assert from 'node:assert/strict';
import { changedPods, containerStates } from '../../../../agent/pods/container-relist';
import type { ContainerSummary } from '../../../../agent/runtime/container-runtime';

function container(id: string, podUid: string, status: ContainerSummary['status'] = 'running'): ContainerSummary {
  return { id, name: `k8s_${id}`, status, labels: { 'io.pikube.managed': 'true', 'io.kubernetes.pod.uid': podUid } };
}

describe('relisting the node\'s containers (the kubelet\'s PLEG)', () => {
  const before = containerStates([container('a1', 'A'), container('a2', 'A'), container('b1', 'B')]);

  it('finds no pod changed when the listing is the same', () => {
    assert.deepEqual(changedPods(before, containerStates([container('a1', 'A'), container('a2', 'A'), container('b1', 'B')])), new Set());
  });

  for (const [what, after, expected] of [
    ['a container that exited', [container('a1', 'A'), container('a2', 'A', 'exited'), container('b1', 'B')], ['A']],
    ['a container that vanished', [container('a1', 'A'), container('b1', 'B')], ['A']],
    ['a new container of a known pod', [container('a1', 'A'), container('a2', 'A'), container('b1', 'B'), container('b2', 'B', 'created')], ['B']],
    ['the containers of a new pod', [container('a1', 'A'), container('a2', 'A'), container('b1', 'B'), container('c1', 'C')], ['C']],
    ['a pod whose containers all went', [container('b1', 'B')], ['A']],
  ] as const) {
    it(`gives a pass to the pod of ${what}, and to no other`, () => {
      assert.deepEqual(changedPods(before, containerStates(after)), new Set(expected));
    });
  }

  it('gives every listed pod a pass when there is no earlier listing', () => {
    assert.deepEqual(changedPods(undefined, before), new Set(['A', 'B']));
  });

  it('leaves out containers that are not a managed pod\'s', () => {
    const foreign: ContainerSummary = { id: 'x', name: 'x', status: 'running', labels: { 'io.kubernetes.pod.uid': 'X' } };
    assert.equal(containerStates([foreign]).size, 0);
  });
});
