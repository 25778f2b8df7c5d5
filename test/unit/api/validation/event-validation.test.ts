import assert from 'node:assert/strict';
import type { Event } from '../../../../api/core-v1';
import { validateEvent } from '../../../../api/validation/event-validation';
import { brief } from './pod-builder';

const anEvent = (patch: Partial<Event> = {}): Event => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web.1', namespace: 'shop' },
  involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web' },
  reason: 'Scheduled',
  message: 'Successfully assigned shop/web to pi-1',
  type: 'Normal',
  ...patch,
});

describe('validateEvent', () => {
  it('accepts a classic core/v1 event', () => assert.deepEqual(validateEvent(anEvent()), []));

  it('requires the involved object in the event namespace', () => {
    assert.deepEqual(brief(validateEvent(anEvent({ involvedObject: { kind: 'Pod', namespace: 'other', name: 'web' } }))), [
      'involvedObject.namespace FieldValueInvalid Invalid value: "other": does not match event.namespace',
    ]);
  });

  it('allows cluster-scoped objects from the default namespace', () => {
    assert.deepEqual(validateEvent(anEvent({ metadata: { name: 'n.1', namespace: 'default' }, involvedObject: { kind: 'Node', name: 'pi-1' } })), []);
  });

  it('requires reporting fields on events with eventTime', () => {
    const causes = brief(validateEvent(anEvent({ eventTime: '2024-01-01T00:00:00.000000Z', reason: '' })));
    assert.deepEqual(causes.filter((c) => c.includes('Required')).map((c) => c.split(' ')[0]), ['reportingController', 'reportingInstance', 'action', 'reason']);
  });

  it('requires a name', () => {
    assert.deepEqual(brief(validateEvent(anEvent({ metadata: { namespace: 'shop' } }))), ['metadata.name FieldValueRequired Required value: name or generateName is required']);
  });
});
