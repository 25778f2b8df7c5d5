/** The decoded body of a write request, and the warnings field validation attaches to the answer. */
import { objectBodyFormat, type BodyFormat } from '../negotiation';
import { parseJsonBody, parseYamlBody, readBody } from '../request-body';
import { enforceFieldValidation, parseFieldValidation } from '../field-validation';
import { decodeProtobufBody, servesProtobuf } from '../protobuf/protobuf-body';
import type { ResourceInfo } from '../resource-info';
import type { RequestScope } from '../request-scope';

export async function readValue(scope: RequestScope, format: Exclude<BodyFormat, 'protobuf'>): Promise<unknown> {
  const body = await readBody(scope.req, scope.settings.maxBodyBytes);
  return format === 'yaml' || format === 'apply-patch' ? parseYamlBody(body) : parseJsonBody(body);
}

/**
 * A POST or PUT body, checked against `fieldValidation`. A protobuf body cannot carry unknown
 * fields (its decoder drops field numbers the message does not declare, as Kubernetes' does), so
 * only JSON and YAML are checked.
 */
export async function readObjectValue(scope: RequestScope, info: ResourceInfo, topLevelFields: readonly string[]): Promise<unknown> {
  const format = objectBodyFormat(scope.req.headers['content-type'], servesProtobuf(info));
  const mode = parseFieldValidation(scope.query.get('fieldValidation'));
  if (format === 'protobuf') return decodeProtobufBody(await readBody(scope.req, scope.settings.maxBodyBytes), info);
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
