/** The decoded body of a write request, and the warnings field validation attaches to the answer. */
import type { KubeObject } from '../../../api/meta';
import { objectBodyFormat, type BodyFormat } from '../negotiation';
import { parseJsonBody, parseYamlBody, readBody, type ParsedBody } from '../request-body';
import { applyFieldValidation, parseFieldValidation, strictDecodingErrors, unknownFields } from '../field-validation';
import { decodeBody, kindDefinition } from '../object-decoding';
import { decodeProtobufBody, servesProtobuf } from '../protobuf/protobuf-body';
import type { ResourceDefinition } from '../../registry/resource-definition';
import type { RequestScope } from '../request-scope';

export async function readValue(scope: RequestScope, format: Exclude<BodyFormat, 'protobuf'>): Promise<ParsedBody> {
  const body = await readBody(scope.req, scope.settings.maxBodyBytes);
  return format === 'yaml' || format === 'apply-patch' ? parseYamlBody(body) : parseJsonBody(body);
}

async function readParsed(scope: RequestScope, info: ResourceDefinition): Promise<ParsedBody & { protobuf: boolean }> {
  const format = objectBodyFormat(scope.req.headers['content-type'], servesProtobuf(info));
  if (format !== 'protobuf') return { ...(await readValue(scope, format)), protobuf: false };
  const value = decodeProtobufBody(await readBody(scope.req, scope.settings.maxBodyBytes), info);
  return { value, strictErrors: [], protobuf: true };
}

/**
 * A POST or PUT body decoded as its kind (wrong types are a 400) and checked against
 * `fieldValidation`; what is returned holds declared fields only. A protobuf body cannot carry
 * unknown fields (its decoder drops field numbers the message does not declare, as Kubernetes'
 * does), so only JSON and YAML are reported on.
 */
export async function readObjectValue(scope: RequestScope, info: ResourceDefinition, topLevelFields: readonly string[]): Promise<KubeObject> {
  const mode = parseFieldValidation(scope.query.get('fieldValidation'));
  const parsed = await readParsed(scope, info);
  const decoded = decodeBody(info, parsed.value);
  const unknown = kindDefinition(info) ? decoded.unknownFields : unknownFields(info, parsed.value, topLevelFields);
  const errors = strictDecodingErrors(unknown, parsed.strictErrors);
  addWarnings(scope, applyFieldValidation(info, errors, parsed.protobuf ? 'Ignore' : mode));
  return decoded.object;
}

/**
 * Kubernetes' `Warning: 299 - "<text>"` response headers. The text is JSON-quoted with every
 * non-ASCII and control character escaped, so any field name is a valid header value.
 */
export function addWarnings(scope: RequestScope, warnings: readonly string[]): void {
  if (warnings.length === 0) return;
  const existing = scope.res.getHeader('Warning');
  const previous = Array.isArray(existing) ? existing : existing === undefined ? [] : [String(existing)];
  scope.res.setHeader('Warning', [...previous, ...warnings.map((w) => `299 - ${asciiQuoted(w)}`)]);
}

/** JSON string syntax, ASCII only: `"caf\u00e9"`. */
export function asciiQuoted(text: string): string {
  return JSON.stringify(text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
