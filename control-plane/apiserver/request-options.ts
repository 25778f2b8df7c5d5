/**
 * Query parameters (and the DELETE body) → registry options, checked as the apiserver checks
 * them: a malformed value is a 400 or 422 before anything is read or written.
 */
import { ApiError, badRequest, invalid } from '../../api/errors';
import { notSupported } from '../../api/validation/field-errors';
import type { DeleteOptions, ListOptions, PatchOptions, WriteOptions } from '../registry/registry';

function integerParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`invalid ${name} parameter: strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
  return Number(raw);
}

export function booleanParam(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  return raw === 'true' || raw === '1' || raw === '';
}

const VERSION_MATCHES = ['NotOlderThan', 'Exact'];

/**
 * List options. resourceVersion and resourceVersionMatch are checked here; unset or "0" (without
 * a match) is the watch cache's to answer (handlers/cached-list.ts). Every other list is served
 * from etcd at its newest revision, which satisfies NotOlderThan; Exact reads of an older
 * revision are not available from the Store and are served newest too.
 */
export function listOptionsFrom(query: URLSearchParams, namespace: string | undefined): ListOptions {
  const match = query.get('resourceVersionMatch');
  if (match) checkVersionMatch(match, query.get('resourceVersion'));
  const options: ListOptions = { namespace };
  const labelSelector = query.get('labelSelector');
  const fieldSelector = query.get('fieldSelector');
  if (labelSelector) options.labelSelector = labelSelector;
  if (fieldSelector) options.fieldSelector = fieldSelector;
  const limit = integerParam(query, 'limit');
  if (limit !== undefined && limit > 0) options.limit = limit;
  const cont = query.get('continue');
  if (cont) options.continue = cont;
  return options;
}

function checkVersionMatch(match: string, rv: string | null): void {
  if (!VERSION_MATCHES.includes(match)) throw invalid('ListOptions.meta.k8s.io', '', [notSupported('resourceVersionMatch', match, VERSION_MATCHES)]);
  if (!rv) {
    throw invalid('ListOptions.meta.k8s.io', '', [{ reason: 'FieldValueForbidden', message: 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided', field: 'resourceVersionMatch' }]);
  }
}

function dryRunFrom(values: string[], kind: string): boolean {
  for (const v of values) if (v !== 'All') throw invalid(`${kind}.meta.k8s.io`, '', [notSupported('dryRun', v, ['All'])]);
  return values.length > 0;
}

/** The longest fieldManager (FieldManagerMaxLength). */
const FIELD_MANAGER_MAX_LENGTH = 128;
/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/**
 * Who a write without `fieldManager` is recorded as (managerOrUserAgent): the User-Agent up to
 * its first '/' (`kubectl/v1.32.0 (linux/amd64) …` → `kubectl`), without unprintable
 * characters, at most 128 bytes.
 */
export function managerFromUserAgent(userAgent: string | undefined): string {
  let out = '';
  let bytes = 0;
  for (const char of (userAgent ?? '').split('/')[0]) {
    if (!PRINTABLE.test(char)) continue; // unicode.IsPrint
    bytes += Buffer.byteLength(char);
    if (bytes > FIELD_MANAGER_MAX_LENGTH) break;
    out += char;
  }
  return out;
}

/** The write's options; its manager the `fieldManager` parameter, else the User-Agent's product. */
export function writeOptionsFrom(query: URLSearchParams, kind: 'CreateOptions' | 'UpdateOptions', userAgent: string | undefined): WriteOptions {
  const options: WriteOptions = { dryRun: dryRunFrom(query.getAll('dryRun'), kind) };
  options.fieldManager = query.get('fieldManager') || managerFromUserAgent(userAgent);
  return options;
}

/** As writeOptionsFrom; an apply names its manager itself (required, never taken from the User-Agent). */
export function patchOptionsFrom(query: URLSearchParams, apply: boolean, userAgent: string | undefined): PatchOptions {
  const options: PatchOptions = { dryRun: dryRunFrom(query.getAll('dryRun'), 'PatchOptions') };
  const manager = query.get('fieldManager');
  if (manager) options.fieldManager = manager;
  else if (!apply) options.fieldManager = managerFromUserAgent(userAgent);
  if (query.has('force')) {
    if (!apply) throw invalid('PatchOptions.meta.k8s.io', '', [{ reason: 'FieldValueForbidden', message: 'Forbidden: may not be specified for non-apply patch', field: 'force' }]);
    options.force = booleanParam(query, 'force');
  }
  return options;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** DeleteOptions from the query, overridden by a body if one was sent. */
export function deleteOptionsFrom(query: URLSearchParams, body: unknown): DeleteOptions {
  const options: DeleteOptions = { dryRun: dryRunFrom(query.getAll('dryRun'), 'DeleteOptions') };
  const grace = integerParam(query, 'gracePeriodSeconds');
  if (grace !== undefined) options.gracePeriodSeconds = grace;
  const policy = query.get('propagationPolicy');
  if (policy) options.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  if (query.has('orphanDependents')) options.orphanDependents = booleanParam(query, 'orphanDependents');
  if (body === undefined) return options;
  if (!isObject(body)) throw badRequest('the body of a DELETE must be a DeleteOptions object');
  return { ...options, ...bodyDeleteOptions(body) };
}

function bodyDeleteOptions(body: Record<string, unknown>): DeleteOptions {
  const options: DeleteOptions = {};
  if (body.kind !== undefined && body.kind !== 'DeleteOptions') throw new ApiError('BadRequest', `expected a DeleteOptions body, got ${String(body.kind)}`);
  if (typeof body.gracePeriodSeconds === 'number') options.gracePeriodSeconds = body.gracePeriodSeconds;
  if (typeof body.propagationPolicy === 'string') options.propagationPolicy = body.propagationPolicy as DeleteOptions['propagationPolicy'];
  if (isObject(body.preconditions)) options.preconditions = body.preconditions as DeleteOptions['preconditions'];
  if (Array.isArray(body.dryRun)) options.dryRun = dryRunFrom(body.dryRun.map(String), 'DeleteOptions');
  if (typeof body.orphanDependents === 'boolean') options.orphanDependents = body.orphanDependents;
  return options;
}
