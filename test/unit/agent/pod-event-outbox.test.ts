import assert from 'node:assert/strict';
import type { Pod } from '../../../api/core-v1';
import { PodEventOutbox } from '../../../agent/pod-event-outbox';

const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1' }, spec: { containers: [] } };
const started = (n: number) => ({ fieldPath: 'spec.containers{app}', type: 'Normal' as const, reason: 'Started', message: `Started container app${n}` });

describe('pod event outbox', () => {
  it('turns events into PodEvent messages, oldest first', () => {
    const box = new PodEventOutbox();
    box.add(pod, started(1));
    box.add(pod, started(2));
    assert.deepEqual(box.drain(), [1, 2].map((n) => ({
      pod_event: { namespace: 'default', pod_name: 'web', pod_uid: 'u1', field_path: 'spec.containers{app}', type: 'Normal', reason: 'Started', message: `Started container app${n}` },
    })));
    assert.equal(box.pending, 0);
  });

  it('coalesces an identical event still waiting to be sent', () => {
    const box = new PodEventOutbox();
    box.add(pod, started(1));
    box.add(pod, started(1));
    assert.equal(box.drain().length, 1);
  });

  it('stays bounded while disconnected, dropping the oldest and counting them', () => {
    const box = new PodEventOutbox(3);
    for (let n = 1; n <= 5; n++) box.add(pod, started(n));
    assert.deepEqual(box.drain().map((m) => m.pod_event?.message), ['Started container app3', 'Started container app4', 'Started container app5']);
    assert.equal(box.takeDropped(), 2);
    assert.equal(box.takeDropped(), 0);
  });
});
