import assert from 'node:assert/strict';
import { afterPing, INITIALLY_READY, readyCondition, type RuntimeReadiness } from '../../../../agent/stats/runtime-readiness';

const pings = (outcomes: (string | undefined)[], threshold?: number): RuntimeReadiness =>
  outcomes.reduce<RuntimeReadiness>((state, error) => afterPing(state, error, threshold), INITIALLY_READY);

describe('runtime readiness', () => {
  const cases: { name: string; outcomes: (string | undefined)[]; threshold?: number; ready: boolean }[] = [
    { name: 'ready while Docker answers', outcomes: [undefined, undefined], ready: true },
    { name: 'still ready after two failed pings in a row', outcomes: ['connect ECONNREFUSED', 'connect ECONNREFUSED'], ready: true },
    { name: 'not ready after three failed pings in a row', outcomes: ['a', 'b', 'c'], ready: false },
    { name: 'failures interrupted by an answer start counting again', outcomes: ['a', 'b', undefined, 'c', 'd'], ready: true },
    { name: 'ready again at the first answer', outcomes: ['a', 'b', 'c', 'd', undefined], ready: true },
    { name: 'a threshold of one: the first failure', outcomes: ['a'], threshold: 1, ready: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(pings(c.outcomes, c.threshold).ready, c.ready));

  it('says Ready False with the kubelet\'s reason and the runtime\'s error', () => {
    assert.deepEqual(readyCondition(pings(['x', 'y', 'The operation was aborted due to timeout'])), {
      type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down: The operation was aborted due to timeout',
    });
  });

  it('says Ready True as the kubelet does while the runtime answers', () => {
    assert.deepEqual(readyCondition(INITIALLY_READY), { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
  });
});
