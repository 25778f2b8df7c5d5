import { strict as assert } from 'node:assert';
import type { Event } from '../../../../../api/core-v1';
import { eventPrinter } from '../../../../../control-plane/apiserver/tables/event-printer';

const NOW = new Date('2024-05-01T12:00:00Z');

function anEvent(extra: Partial<Event> = {}): Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.17c', namespace: 'default', creationTimestamp: '2024-05-01T11:50:00Z' },
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', fieldPath: 'spec.containers{app}' },
    reason: 'Pulled',
    message: 'Container image "app:1" already present on machine\n',
    source: { component: 'kubelet', host: 'pi-1' },
    firstTimestamp: '2024-05-01T11:50:00Z',
    lastTimestamp: '2024-05-01T11:58:00Z',
    count: 3,
    type: 'Normal',
    ...extra,
  };
}

describe('event table printer', () => {
  it('has the columns of the Kubernetes event printer', () => {
    assert.deepEqual(eventPrinter.columns.map((c) => `${c.name}:${c.priority}`), [
      'Last Seen:0', 'Type:0', 'Reason:0', 'Object:0', 'Subobject:1', 'Source:1', 'Message:0', 'First Seen:1', 'Count:1', 'Name:1',
    ]);
  });

  it('fills every cell of a kubelet event', () => {
    assert.deepEqual(eventPrinter.cells(anEvent(), NOW), [
      '2m', 'Normal', 'Pulled', 'pod/web', 'spec.containers{app}', 'kubelet, pi-1',
      'Container image "app:1" already present on machine', '10m', 3, 'web.17c',
    ]);
  });

  it('falls back to the first time when there is no last time, and counts a singleton once', () => {
    const cells = eventPrinter.cells(anEvent({ lastTimestamp: undefined, count: undefined }), NOW);
    assert.equal(cells[0], '10m');
    assert.equal(cells[8], 1);
  });

  it('uses eventTime and the reporting controller for events of the new API', () => {
    const event = anEvent({ firstTimestamp: undefined, lastTimestamp: undefined, source: {}, eventTime: '2024-05-01T11:59:30.000000Z', reportingComponent: 'pikube-scheduler', reportingInstance: 'cp-1' });
    const cells = eventPrinter.cells(event, NOW);
    assert.equal(cells[0], '30s');
    assert.equal(cells[5], 'pikube-scheduler, cp-1');
  });

  it('takes the last time and count of a series', () => {
    const event = anEvent({ series: { count: 7, lastObservedTime: '2024-05-01T11:59:00.000000Z' } } as Partial<Event>);
    const cells = eventPrinter.cells(event, NOW);
    assert.equal(cells[0], '60s');
    assert.equal(cells[8], 7);
  });

  it('names the object by kind alone when the event has no object name', () => {
    assert.equal(eventPrinter.cells(anEvent({ involvedObject: { kind: 'Node' } }), NOW)[3], 'node');
  });
});
