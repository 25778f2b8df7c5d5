/**
 * core/v1 Events (pkg/registry/core/event): plain objects, no spec or status; a PUT may
 * create one (AllowCreateOnUpdate), as recorders rely on.
 */
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import type { ResourceStrategy } from '../strategy';

export const EVENT_FIELDS = [
  ...OBJECT_FIELDS, 'involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'type',
  'eventTime', 'series', 'action', 'related', 'reportingComponent', 'reportingInstance',
] as const;

export const eventStrategy: ResourceStrategy = {
  ...defaultStrategy({ topLevelFields: EVENT_FIELDS, hasStatus: false }),
  allowCreateOnUpdate: true,
};
