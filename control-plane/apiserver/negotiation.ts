/**
 * Content negotiation, as Kubernetes' apiserver does it: which representation a response
 * takes (JSON, YAML, a meta.k8s.io Table or PartialObjectMetadata), from the Accept header,
 * and how a request body is encoded, from Content-Type. Responses are never protobuf: the
 * Accept list falls through to the next choice (kubectl asks for protobuf, then JSON). Protobuf
 * request bodies are read for the built-in kinds (protobuf/protobuf-body.ts).
 */
import { ApiError } from '../../api/errors';

export interface MediaRange {
  /** `application/json`, lower case, no parameters. */
  mediaType: string;
  params: Record<string, string>;
}

/** Splits an Accept or Content-Type header into media ranges, in the client's order. */
export function parseMediaRanges(header: string | undefined): MediaRange[] {
  if (!header) return [];
  return header.split(',').map((part) => part.trim()).filter(Boolean).map(parseMediaRange);
}

function parseMediaRange(text: string): MediaRange {
  const [type, ...rest] = text.split(';').map((s) => s.trim());
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { mediaType: type.toLowerCase(), params };
}

export type Conversion = 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';

export interface OutputTarget {
  format: 'json' | 'yaml';
  /** A meta.k8s.io rendering the client asked for instead of the object itself. */
  as?: Conversion;
  /** meta.k8s.io version of that rendering: v1 or v1beta1. */
  asVersion?: string;
}

const CONVERSIONS: readonly string[] = ['Table', 'PartialObjectMetadata', 'PartialObjectMetadataList'];

function targetOf(range: MediaRange): OutputTarget | undefined {
  const format = range.mediaType === 'application/yaml' ? 'yaml' : ['application/json', '*/*', 'application/*'].includes(range.mediaType) ? 'json' : undefined;
  if (!format) return undefined;
  const as = range.params.as;
  if (as === undefined) return { format };
  const metaVersion = range.params.v === 'v1' || range.params.v === 'v1beta1';
  if (range.params.g !== 'meta.k8s.io' || !metaVersion || !CONVERSIONS.includes(as)) return undefined;
  return { format, as: as as Conversion, asVersion: range.params.v };
}

export const ACCEPTED_OUTPUT = ['application/json', 'application/yaml', 'application/json;as=Table;v=v1;g=meta.k8s.io'];

/** The first Accept choice we can produce; no Accept (or * / *) is JSON. */
export function negotiateOutput(accept: string | undefined): OutputTarget {
  const ranges = parseMediaRanges(accept).filter((r) => r.params.q !== '0');
  if (ranges.length === 0) return { format: 'json' };
  for (const range of ranges) {
    const target = targetOf(range);
    if (target) return target;
  }
  throw new ApiError('NotAcceptable', `only the following media types are accepted: ${ACCEPTED_OUTPUT.join(', ')}`);
}

export type BodyFormat = 'json' | 'yaml' | 'protobuf' | 'merge-patch' | 'strategic-merge-patch' | 'json-patch' | 'apply-patch';

const OBJECT_TYPES: Record<string, BodyFormat> = { 'application/json': 'json', 'application/yaml': 'yaml' };
const OBJECT_TYPES_WITH_PROTOBUF: Record<string, BodyFormat> = { ...OBJECT_TYPES, 'application/vnd.kubernetes.protobuf': 'protobuf' };
const PATCH_TYPES: Record<string, BodyFormat> = {
  'application/json-patch+json': 'json-patch',
  'application/merge-patch+json': 'merge-patch',
  'application/apply-patch+yaml': 'apply-patch',
  'application/strategic-merge-patch+json': 'strategic-merge-patch',
};

function unsupported(accepted: Record<string, BodyFormat>): ApiError {
  return new ApiError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${Object.keys(accepted).join(', ')}`);
}

/**
 * Body encoding of a POST or PUT; none given is JSON (kubectl's `PUT …/scale` sends none).
 * Protobuf only where the kind has a protobuf message (`protobuf`): Kubernetes answers 415 for
 * it on kinds without one, as it does for custom resources.
 */
export function objectBodyFormat(contentType: string | undefined, protobuf = false): BodyFormat {
  const range = parseMediaRanges(contentType)[0];
  if (!range) return 'json';
  const accepted = protobuf ? OBJECT_TYPES_WITH_PROTOBUF : OBJECT_TYPES;
  const format = accepted[range.mediaType];
  if (!format) throw unsupported(accepted);
  return format;
}

/** Patch type of a PATCH; Kubernetes requires one of the four patch media types. */
export function patchBodyFormat(contentType: string | undefined): BodyFormat {
  const range = parseMediaRanges(contentType)[0];
  const format = range && PATCH_TYPES[range.mediaType];
  if (!format) throw unsupported(PATCH_TYPES);
  return format;
}
