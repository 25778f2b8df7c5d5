/**
 * Probes and lifecycle hooks (validateProbe, validateHandler, validateLifecycle in
 * pkg/apis/core/validation/validation.go). Expects defaulted probes, as the API server
 * validates after defaulting (timeoutSeconds 1, periodSeconds 10, ...).
 */
import type { LifecycleHandler, Probe } from '../core-v1';
import { child } from './field-path';
import { forbidden, invalid, notSupported, required, type FieldCause } from './field-errors';
import { isHTTPHeaderName, isValidPortName, isValidPortNum } from './names';
import { validateNonnegative } from './object-meta';

type Handler = Pick<LifecycleHandler, 'exec' | 'httpGet' | 'tcpSocket' | 'sleep'> & { grpc?: Probe['grpc'] };
type HandlerKind = 'exec' | 'httpGet' | 'tcpSocket' | 'grpc' | 'sleep';
/** Probes know grpc, lifecycle hooks know sleep; Kubernetes drops the other field. */
const PROBE_KINDS: HandlerKind[] = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const LIFECYCLE_KINDS: HandlerKind[] = ['exec', 'httpGet', 'tcpSocket', 'sleep'];

/** Exactly one handler type, each valid. */
function validateHandler(handler: Handler, kinds: HandlerKind[], gracePeriod: number | undefined, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  let count = 0;
  for (const kind of kinds) {
    if (handler[kind] === undefined || handler[kind] === null) continue;
    const kindPath = child(path, kind);
    if (count > 0) causes.push(forbidden(kindPath, 'may not specify more than 1 handler type'));
    else causes.push(...validateAction(kind, handler, gracePeriod, kindPath));
    count++;
  }
  if (count === 0) causes.push(required(path, 'must specify a handler type'));
  return causes;
}

function validateAction(kind: HandlerKind, handler: Handler, gracePeriod: number | undefined, path: string): FieldCause[] {
  switch (kind) {
    case 'exec':
      return (handler.exec?.command ?? []).length === 0 ? [required(child(path, 'command'))] : [];
    case 'httpGet':
      return validateHTTPGet(handler.httpGet ?? { port: 0 }, path);
    case 'tcpSocket':
      return validatePortNumOrName(handler.tcpSocket?.port, child(path, 'port'));
    case 'grpc':
      return validatePortNumOrName(handler.grpc?.port ?? 0, child(path, 'port'));
    case 'sleep':
      return validateSleep(handler.sleep?.seconds ?? 0, gracePeriod, path);
  }
}

function validateHTTPGet(http: NonNullable<Handler['httpGet']>, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!http.path) causes.push(required(child(path, 'path')));
  causes.push(...validatePortNumOrName(http.port, child(path, 'port')));
  const scheme = http.scheme ?? '';
  if (scheme !== 'HTTP' && scheme !== 'HTTPS') causes.push(notSupported(child(path, 'scheme'), scheme, ['HTTP', 'HTTPS']));
  for (const header of http.httpHeaders ?? []) {
    for (const msg of isHTTPHeaderName(header.name)) causes.push(invalid(child(path, 'httpHeaders'), header.name, msg));
  }
  return causes;
}

/** An IntOrString port: a number 1–65535 or an IANA service name. */
export function validatePortNumOrName(port: unknown, field: string): FieldCause[] {
  if (typeof port === 'number') return isValidPortNum(port).map((msg) => invalid(field, port, msg));
  if (typeof port === 'string') return isValidPortName(port).map((msg) => invalid(field, port, msg));
  return [invalid(field, port === undefined ? 0 : JSON.stringify(port), 'must be an integer or a string')];
}

function validateSleep(seconds: number, gracePeriod: number | undefined, path: string): FieldCause[] {
  if (gracePeriod === undefined || (seconds > 0 && seconds <= gracePeriod)) return [];
  const msg = `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`;
  return [invalid(path, seconds, msg)];
}

const PROBE_COUNTERS = ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const;

function validateProbe(probe: Probe, gracePeriod: number | undefined, path: string): FieldCause[] {
  const causes = validateHandler(probe, PROBE_KINDS, gracePeriod, path);
  for (const field of PROBE_COUNTERS) causes.push(...validateNonnegative(probe[field] ?? 0, child(path, field)));
  const tgps = probe.terminationGracePeriodSeconds;
  if (tgps !== undefined && tgps !== null && tgps <= 0) causes.push(invalid(child(path, 'terminationGracePeriodSeconds'), tgps, 'must be greater than 0'));
  return causes;
}

/** Liveness and startup probes must have successThreshold 1. */
export function validateLivenessOrStartupProbe(probe: Probe | undefined, gracePeriod: number | undefined, path: string): FieldCause[] {
  if (!probe) return [];
  const causes = validateProbe(probe, gracePeriod, path);
  if ((probe.successThreshold ?? 0) !== 1) causes.push(invalid(child(path, 'successThreshold'), probe.successThreshold ?? 0, 'must be 1'));
  return causes;
}

export function validateReadinessProbe(probe: Probe | undefined, gracePeriod: number | undefined, path: string): FieldCause[] {
  if (!probe) return [];
  const causes = validateProbe(probe, gracePeriod, path);
  if (probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds !== null) {
    causes.push(invalid(child(path, 'terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  return causes;
}

export function validateLifecycle(lifecycle: { postStart?: LifecycleHandler; preStop?: LifecycleHandler }, gracePeriod: number | undefined, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (lifecycle.postStart) causes.push(...validateHandler(lifecycle.postStart, LIFECYCLE_KINDS, gracePeriod, child(path, 'postStart')));
  if (lifecycle.preStop) causes.push(...validateHandler(lifecycle.preStop, LIFECYCLE_KINDS, gracePeriod, child(path, 'preStop')));
  return causes;
}
