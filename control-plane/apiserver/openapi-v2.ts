/**
 * The OpenAPI v2 (Swagger 2.0) document of /openapi/v2, derived from the v3 documents so the two
 * never disagree. kubectl reads it (as protobuf) for two things: which kinds' patch operation
 * takes the `fieldValidation` parameter (k8s.io/cli-runtime query_param_verifier.go, the fallback
 * of the v3 verifier and all of kubectl 1.27's), and client-side validation of kinds the server
 * does not validate itself (create-only kinds such as TokenReview, and kinds it does not serve),
 * which looks a kind's schema up and skips validation when there is none. The paths carry every
 * operation with its parameters and `x-kubernetes-group-version-kind`; schemas are described in
 * v3 only, so `definitions` is empty and an unserved kind reaches the REST mapping, which says
 * `no matches for kind`, as against kube-apiserver.
 */
import { createHash } from 'node:crypto';
import { OPENAPI_INFO, type OpenApiV3 } from './openapi';
import type { JsonSchema } from './openapi-schemas';

export interface SwaggerParameter {
  name: string;
  in: 'query' | 'path';
  description?: string;
  required?: boolean;
  type?: string;
  uniqueItems?: boolean;
}

/** An operation; its `x-…` members are vendor extensions. */
export interface SwaggerOperation {
  tags?: string[];
  description?: string;
  operationId?: string;
  consumes?: string[];
  produces?: string[];
  parameters?: SwaggerParameter[];
  responses: Record<string, { description: string }>;
  [extension: `x-${string}`]: unknown;
}

export const SWAGGER_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
export type SwaggerMethod = (typeof SWAGGER_METHODS)[number];

export type SwaggerPathItem = Partial<Record<SwaggerMethod, SwaggerOperation>> & { parameters?: SwaggerParameter[] };

export interface SwaggerDocument {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, SwaggerPathItem>;
  definitions: Record<string, never>;
}

/** Builds the Swagger document of every group-version the v3 index lists. */
export function buildSwagger(v3: OpenApiV3): SwaggerDocument {
  const paths: Record<string, SwaggerPathItem> = {};
  for (const path of Object.keys(v3.index().paths)) {
    const body = v3.document(path)?.body;
    if (body === undefined) continue;
    const doc = JSON.parse(body) as { paths: Record<string, JsonSchema> };
    for (const [p, item] of Object.entries(doc.paths)) paths[p] = pathItem(item);
  }
  const sorted = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return { swagger: '2.0', info: { ...OPENAPI_INFO }, paths: sorted, definitions: {} };
}

/** Content hash of a serialization (upper-case hex SHA-512), the ETag of /openapi/v2. */
export function swaggerHash(bytes: Buffer | string): string {
  return createHash('sha512').update(bytes).digest('hex').toUpperCase();
}

function pathItem(v3: JsonSchema): SwaggerPathItem {
  const item: SwaggerPathItem = {};
  for (const method of SWAGGER_METHODS) {
    const op = v3[method];
    if (isRecord(op)) item[method] = operation(op);
  }
  const parameters = parametersOf(v3.parameters);
  if (parameters.length > 0) item.parameters = parameters;
  return item;
}

function operation(v3: JsonSchema): SwaggerOperation {
  const out: SwaggerOperation = { responses: responsesOf(v3.responses) };
  if (Array.isArray(v3.tags)) out.tags = v3.tags.filter((t): t is string => typeof t === 'string');
  if (typeof v3.description === 'string') out.description = v3.description;
  if (typeof v3.operationId === 'string') out.operationId = v3.operationId;
  const consumes = contentTypes(isRecord(v3.requestBody) ? v3.requestBody.content : undefined);
  if (consumes.length > 0) out.consumes = consumes;
  const produces = [...new Set(Object.values(isRecord(v3.responses) ? v3.responses : {}).flatMap((r) => contentTypes(isRecord(r) ? r.content : undefined)))];
  if (produces.length > 0) out.produces = produces;
  const parameters = parametersOf(v3.parameters);
  if (parameters.length > 0) out.parameters = parameters;
  for (const [key, value] of Object.entries(v3)) if (key.startsWith('x-')) out[key as `x-${string}`] = value;
  return out;
}

/** v3's `schema: {type}` becomes v2's flat `type`. */
function parametersOf(v3: unknown): SwaggerParameter[] {
  if (!Array.isArray(v3)) return [];
  return v3.filter(isRecord).flatMap((p): SwaggerParameter[] => {
    if (typeof p.name !== 'string' || (p.in !== 'query' && p.in !== 'path')) return [];
    const schema = isRecord(p.schema) ? p.schema : {};
    const out: SwaggerParameter = { name: p.name, in: p.in };
    if (typeof p.description === 'string') out.description = p.description;
    if (p.required === true) out.required = true;
    if (typeof schema.type === 'string') out.type = schema.type;
    if (schema.uniqueItems === true) out.uniqueItems = true;
    return [out];
  });
}

function responsesOf(v3: unknown): Record<string, { description: string }> {
  const entries = Object.entries(isRecord(v3) ? v3 : {}).map(([code, r]) => [code, { description: isRecord(r) && typeof r.description === 'string' ? r.description : '' }]);
  return Object.fromEntries(entries);
}

function contentTypes(content: unknown): string[] {
  return isRecord(content) ? Object.keys(content) : [];
}

function isRecord(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
