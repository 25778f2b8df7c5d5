/**
 * core/v1 Event validation: Kubernetes' legacyValidateEvent (pkg/apis/core/validation/events.go),
 * then, as the generic registry does after a kind's own checks pass, object metadata with
 * path-segment names.
 */
import type { Event } from '../core-v1';
import { invalid, required, type FieldCause } from './field-errors';
import { isDNS1123Subdomain, isQualifiedName, nameIsPathSegment } from './names';
import { validateObjectMeta } from './object-meta';

const REPORTING_INSTANCE_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;

export function validateEvent(event: Event): FieldCause[] {
  const causes = legacyValidateEvent(event);
  return causes.length ? causes : validateObjectMeta(event.metadata ?? {}, true, nameIsPathSegment);
}

function legacyValidateEvent(event: Event): FieldCause[] {
  const causes = event.eventTime ? validateNewStyleEvent(event) : validateOldStyleNamespace(event);
  const namespace = event.metadata?.namespace ?? '';
  return causes.concat(isDNS1123Subdomain(namespace).map((msg) => invalid('namespace', namespace, msg)));
}

/** Events without eventTime: the involved object's namespace must match (or be empty in "default"). */
function validateOldStyleNamespace(event: Event): FieldCause[] {
  const involved = event.involvedObject?.namespace ?? '';
  const namespace = event.metadata?.namespace ?? '';
  const ok = involved === '' ? namespace === '' || namespace === 'default' : namespace === involved;
  return ok ? [] : [invalid('involvedObject.namespace', involved, 'does not match event.namespace')];
}

function validateNewStyleEvent(event: Event): FieldCause[] {
  const causes: FieldCause[] = [];
  const involved = event.involvedObject?.namespace ?? '';
  const namespace = event.metadata?.namespace ?? '';
  if (!involved && namespace !== 'default' && namespace !== 'kube-system') causes.push(invalid('involvedObject.namespace', involved, 'does not match event.namespace'));
  const controller = event.reportingComponent ?? '';
  if (!controller) causes.push(required('reportingController'));
  causes.push(...isQualifiedName(controller).map((msg) => invalid('reportingController', controller, msg)));
  causes.push(...limited(event.reportingInstance ?? '', 'reportingInstance', REPORTING_INSTANCE_LIMIT, true));
  causes.push(...limited((event as { action?: string }).action ?? '', 'action', REPORTING_INSTANCE_LIMIT, true));
  causes.push(...limited(event.reason ?? '', 'reason', REASON_LIMIT, true));
  causes.push(...limited(event.message ?? '', 'message', NOTE_LIMIT, false));
  return causes;
}

function limited(value: string, field: string, limit: number, isRequired: boolean): FieldCause[] {
  const causes = isRequired && value.length === 0 ? [required(field)] : [];
  if (value.length > limit) causes.push(invalid(field, '', `can have at most ${limit} characters`));
  return causes;
}
