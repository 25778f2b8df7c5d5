/**
 * core/v1 Events (pkg/registry/core/event): plain objects, no spec or status; a PUT may
 * create one (AllowCreateOnUpdate), as recorders rely on.
 */
import type { Event } from '../../../api/core-v1';
import { metadataFieldGetters, selectableFields } from '../../../api/field-selector';
import { validateEvent } from '../../../api/validation/event-validation';
import { eventPrinter } from '../../apiserver/tables/event-printer';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';

export const EVENT_FIELDS = [
  ...OBJECT_FIELDS, 'involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'type',
  'eventTime', 'series', 'action', 'related', 'reportingComponent', 'reportingInstance',
] as const;

export const eventStrategy: ResourceStrategy<Event> = {
  ...defaultStrategy<Event>({ topLevelFields: EVENT_FIELDS, hasStatus: false }),
  allowCreateOnUpdate: true,
  /** Events take no part in garbage collection (the event strategy's DefaultGarbageCollectionPolicy). */
  defaultGarbageCollectionPolicy: 'Unsupported',
  validate: (event) => validateEvent(event),
  validateUpdate: (event) => validateEvent(event),
};

/** pkg/registry/core/event ToSelectableFields. */
const eventFields = selectableFields<Event>({
  ...metadataFieldGetters(true),
  'involvedObject.kind': (e) => e.involvedObject?.kind ?? '',
  'involvedObject.namespace': (e) => e.involvedObject?.namespace ?? '',
  'involvedObject.name': (e) => e.involvedObject?.name ?? '',
  'involvedObject.uid': (e) => e.involvedObject?.uid ?? '',
  'involvedObject.apiVersion': (e) => e.involvedObject?.apiVersion ?? '',
  'involvedObject.resourceVersion': (e) => e.involvedObject?.resourceVersion ?? '',
  'involvedObject.fieldPath': (e) => e.involvedObject?.fieldPath ?? '',
  reason: (e) => e.reason ?? '',
  reportingComponent: (e) => e.reportingComponent ?? '',
  source: (e) => e.source?.component || e.reportingComponent || '',
  type: (e) => e.type ?? '',
});

export const EVENTS = defineKind<Event>({
  group: '', version: 'v1', resource: 'events', singularName: 'event', kind: 'Event', listKind: 'EventList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ev'],
  strategy: eventStrategy,
  printer: eventPrinter,
  fields: eventFields,
});
