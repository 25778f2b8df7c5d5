/**
 * `GET pods/{name}/log` query parameters → PodLogOptions, checked as Kubernetes checks them
 * (ValidatePodLogOptions): a malformed number or time is a 400, a value out of range a 422
 * `PodLogOptions "name" is invalid: …`. The container is resolved later, against the pod.
 */
import { badRequest, invalid as invalidObject } from '../../api/errors';
import { forbidden, invalid, type FieldCause } from '../../api/validation/field-errors';
import type { PodLogParams } from './pod-stream-provider';
import { booleanParam } from './request-options';

/** PodLogParams before the container is resolved against the pod: an empty `container` means the pod's only one. */
export type PodLogOptions = PodLogParams;

/** Parses an int64 query parameter as Go's strconv.ParseInt would accept it (within JavaScript's safe range). */
export function int64Param(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!/^[-+]?\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw badRequest(`invalid ${name} parameter: strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
  }
  return value;
}

/** RFC 3339 (metav1.Time), to Unix milliseconds. */
function timeParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) throw badRequest(`invalid ${name} parameter: parsing time ${JSON.stringify(raw)} as "2006-01-02T15:04:05Z07:00": cannot parse`);
  return ms;
}

function validate(o: PodLogOptions): FieldCause[] {
  const causes: FieldCause[] = [];
  if (o.tailLines !== undefined && o.tailLines < 0) causes.push(invalid('tailLines', o.tailLines, 'must be greater than or equal to 0'));
  if (o.limitBytes !== undefined && o.limitBytes < 1) causes.push(invalid('limitBytes', o.limitBytes, 'must be greater than 0'));
  if (o.sinceSeconds !== undefined && o.sinceUnixMs !== undefined) {
    causes.push(forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  } else if (o.sinceSeconds !== undefined && o.sinceSeconds < 1) {
    causes.push(invalid('sinceSeconds', o.sinceSeconds, 'must be greater than 0'));
  }
  return causes;
}

export function podLogOptionsFrom(query: URLSearchParams, podName: string): PodLogOptions {
  const options: PodLogOptions = {
    container: query.get('container') ?? '',
    follow: booleanParam(query, 'follow'),
    previous: booleanParam(query, 'previous'),
    timestamps: booleanParam(query, 'timestamps'),
    tailLines: int64Param(query, 'tailLines'),
    sinceSeconds: int64Param(query, 'sinceSeconds'),
    sinceUnixMs: timeParam(query, 'sinceTime'),
    limitBytes: int64Param(query, 'limitBytes'),
  };
  const causes = validate(options);
  if (causes.length > 0) throw invalidObject('PodLogOptions', podName, causes);
  return options;
}
