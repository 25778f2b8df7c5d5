/**
 * `kubectl get events` columns, as printEvent of k8s.io/kubernetes pkg/printers/internalversion:
 * LAST SEEN falls back to the first time (or eventTime) and, for a series, its last
 * observation; OBJECT is kind/name in lower case; wide columns add the sub-object, source,
 * first time, count and the event's name.
 */
import type { Event } from '../../../api/core-v1';
import { DESCRIPTIONS } from './column-descriptions';
import { column, field, nameColumn, nameOf, numberField, stringField } from './columns';
import { age } from './human-duration';
import type { Printer, TableCell } from './table';

export const eventPrinter: Printer = {
  columns: [
    column('Last Seen', 'string', DESCRIPTIONS.eventLastTimestamp),
    column('Type', 'string', DESCRIPTIONS.eventType),
    column('Reason', 'string', DESCRIPTIONS.eventReason),
    column('Object', 'string', DESCRIPTIONS.eventInvolvedObject),
    column('Subobject', 'string', DESCRIPTIONS.objectReferenceFieldPath, 1),
    column('Source', 'string', DESCRIPTIONS.eventSource, 1),
    column('Message', 'string', DESCRIPTIONS.eventMessage),
    column('First Seen', 'string', DESCRIPTIONS.eventFirstTimestamp, 1),
    column('Count', 'string', DESCRIPTIONS.eventCount, 1),
    nameColumn(1),
  ],
  cells: (obj, now) => eventCells(obj as Event, now),
};

function eventCells(event: Event, now: Date): TableCell[] {
  const firstSeen = isZeroTime(event.firstTimestamp) ? age(timeOrNull(event.eventTime), now) : age(event.firstTimestamp, now);
  let lastSeen = isZeroTime(event.lastTimestamp) ? firstSeen : age(event.lastTimestamp, now);
  let count = event.count ?? 0;
  const series = field(event, 'series');
  if (series !== undefined && series !== null) {
    lastSeen = age(timeOrNull(stringField(series, 'lastObservedTime')), now);
    count = numberField(series, 'count');
  } else if (count === 0) {
    count = 1;
  }
  return [
    lastSeen, event.type ?? '', event.reason ?? '', eventTarget(event), event.involvedObject?.fieldPath ?? '',
    eventSource(event), (event.message ?? '').trim(), firstSeen, count, nameOf(event),
  ];
}

function eventTarget(event: Event): string {
  const kind = (event.involvedObject?.kind ?? '').toLowerCase();
  const name = event.involvedObject?.name;
  return name ? `${kind}/${name}` : kind;
}

/** "component, host", taking the reporting controller and instance when the source lacks them. */
function eventSource(event: Event): string {
  const component = event.source?.component || event.reportingComponent || '';
  const instance = event.source?.host || event.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

/** metav1.Time IsZero: absent, null, or Go's zero time. */
function isZeroTime(time: string | null | undefined): boolean {
  return !time || time.startsWith('0001-01-01T00:00:00');
}

function timeOrNull(time: string | null | undefined): string | undefined {
  return isZeroTime(time) ? undefined : (time as string);
}
