import assert from 'node:assert/strict';
import { batchesOf, marksOf, parseTrace, stepTable } from '../../../../scripts/bench/pod-start-steps';

const line = (ms: number, subject: string, step: string, detail?: string): string =>
  `pikube-trace pod-start ${ms} ${subject} ${step}${detail ? ` ${detail}` : ''}`;

describe('pod-start trace steps', () => {
  it('reads the pod-start lines of a log and ignores the rest', () => {
    const text = ['[pods] something else', line(1000, 'default/web-1', 'agent-worker'), `prefix ${line(1010, 'default/web-1', 'status-reported', 'Running/False')}`, 'pikube-trace other 5 x y'].join('\n');
    assert.deepEqual(parseTrace(text), [
      { atMs: 1000, subject: 'default/web-1', step: 'agent-worker', detail: undefined },
      { atMs: 1010, subject: 'default/web-1', step: 'status-reported', detail: 'Running/False' },
    ]);
  });

  it('marks each milestone once, at its first line, and the ready write only after the ready report', () => {
    const lines = parseTrace([
      line(100, 'ns/p', 'status-written', 'written'), line(50, 'ns/p', 'agent-worker'), line(200, 'ns/p', 'status-reported', 'Running/False'),
      line(300, 'ns/p', 'probe-readiness', 'Failure'), line(1300, 'ns/p', 'probe-readiness', 'Success'), line(1310, 'ns/p', 'status-reported', 'Running/True'),
      line(1400, 'ns/p', 'status-written', 'written'),
    ].join('\n'));
    const marks = marksOf(lines).get('ns/p');
    assert.equal(marks?.get('agent-worker'), 50);
    assert.equal(marks?.get('reported-running'), 200);
    assert.equal(marks?.get('first-probe'), 300);
    assert.equal(marks?.get('probe-success'), 1300);
    assert.equal(marks?.get('reported-ready'), 1310);
    assert.equal(marks?.get('ready-written'), 1400);
  });

  it('groups the ReplicaSet\'s create calls into slow-start batches', () => {
    const rs = 'default/web-abc';
    const lines = parseTrace([
      line(10, rs, 'rs-create-call'), line(40, rs, 'rs-create-done'),
      line(41, rs, 'rs-create-call'), line(41, rs, 'rs-create-call'), line(70, rs, 'rs-create-done'), line(90, rs, 'rs-create-done'),
      line(95, rs, 'rs-create-call'),
    ].join('\n'));
    assert.deepEqual(batchesOf(lines), [{ size: 1, startMs: 10, endMs: 40 }, { size: 2, startMs: 41, endMs: 90 }, { size: 1, startMs: 95, endMs: 95 }]);
  });

  it('tabulates the time between consecutive marks over the pods that have both', () => {
    const pods = [new Map([['a', 0], ['b', 10], ['c', 30]]), new Map([['a', 0], ['b', 50]]), new Map([['a', 5]])];
    assert.deepEqual(stepTable(pods, ['a', 'b', 'c']), [
      { from: 'a', to: 'b', p50Ms: 10, maxMs: 50, pods: 2 },
      { from: 'b', to: 'c', p50Ms: 20, maxMs: 20, pods: 1 },
    ]);
  });
});
