/** The decoded body of a write request, and the warnings field validation attaches to the answer. */
import { objectBodyFormat, type BodyFormat } from '../negotiation';
import { parseJsonBody, parseYamlBody, readBody } from '../request-body';
import { enforceFieldValidation, parseFieldValidation } from '../field-validation';
import type { ResourceInfo } from '../resource-info';
import type { RequestScope } from '../request-scope';

export async function readValue(scope: RequestScope, format: BodyFormat): Promise<unknown> {
  const body = await readBody(scope.req, scope.settings.maxBodyBytes);
  return format === 'yaml' || format === 'apply-patch' ? parseYamlBody(body) : parseJsonBody(body);
}

/** A POST or PUT body, checked against `fieldValidation`. */
export async function readObjectValue(scope: RequestScope, info: ResourceInfo, topLevelFields: readonly string[]): Promise<unknown> {
  const format = objectBodyFormat(scope.req.headers['content-type']);
  const mode = parseFieldValidation(scope.query.get('fieldValidation'));
  const value = await readValue(scope, format);
  addWarnings(scope, enforceFieldValidation(info, value, topLevelFields, mode));
  return value;
}

/** Kubernetes' `Warning: 299 - "<text>"` response headers. */
export function addWarnings(scope: RequestScope, warnings: string[]): void {
  if (warnings.length === 0) return;
  const existing = scope.res.getHeader('Warning');
  const previous = Array.isArray(existing) ? existing : existing === undefined ? [] : [String(existing)];
  scope.res.setHeader('Warning', [...previous, ...warnings.map((w) => `299 - ${JSON.stringify(w)}`)]);
}
