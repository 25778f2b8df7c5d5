/**
 * `/openapi/v3` (the index of group-version documents) and `/openapi/v3/<path>`. Documents
 * are identified by their content hash: a `?hash=` URL is immutable and cacheable, and the
 * ETag lets clients revalidate. `/openapi/v2` is the Swagger document (openapi-v2.ts), as JSON
 * or as gnostic protobuf (what kubectl asks for), with its hash as ETag.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../../api/errors';
import { parseMediaRanges } from '../negotiation';
import type { OpenApiV3 } from '../openapi';
import { buildSwagger, swaggerHash } from '../openapi-v2';
import { encodeSwaggerProtobuf } from '../openapi-v2-protobuf';
import { writeBody, writeEncoded } from '../respond';
import { pathNotFound } from '../status-response';

const PROTOBUF_TYPES = ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf'];
/** The protobuf answer is labelled with the second spelling: Go's mime parser refuses the `@` of the first. */
const PROTOBUF_CONTENT_TYPE = PROTOBUF_TYPES[1];
const JSON_TYPES = ['application/json', 'application/*', '*/*'];

/** One encoding of the Swagger document, with its content type and hash. */
export interface SwaggerBody {
  contentType: string;
  body: Buffer;
  hash: string;
}

export interface SwaggerBodies {
  json: SwaggerBody;
  protobuf: SwaggerBody;
}

/** Both encodings of the Swagger document of the kinds the v3 documents describe. */
export function swaggerBodies(v3: OpenApiV3): SwaggerBodies {
  const doc = buildSwagger(v3);
  const json = Buffer.from(JSON.stringify(doc));
  const protobuf = encodeSwaggerProtobuf(doc);
  return {
    json: { contentType: 'application/json', body: json, hash: swaggerHash(json) },
    protobuf: { contentType: PROTOBUF_CONTENT_TYPE, body: protobuf, hash: swaggerHash(protobuf) },
  };
}

/** The first Accept choice served (no Accept is JSON); anything else is 406, as kube-openapi's handler answers. */
function chooseSwagger(accept: string | undefined, bodies: () => SwaggerBodies): SwaggerBody {
  const ranges = parseMediaRanges(accept).filter((r) => r.params.q !== '0');
  if (ranges.length === 0) return bodies().json;
  for (const range of ranges) {
    if (PROTOBUF_TYPES.includes(range.mediaType)) return bodies().protobuf;
    if (JSON_TYPES.includes(range.mediaType)) return bodies().json;
  }
  throw new ApiError('NotAcceptable', `only the following media types are accepted: ${['application/json', ...PROTOBUF_TYPES].join(', ')}`);
}

export function serveOpenApiV2(req: IncomingMessage, res: ServerResponse, bodies: () => SwaggerBodies): void {
  const chosen = chooseSwagger(req.headers.accept, bodies);
  const etag = `"${chosen.hash}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'no-cache, private');
  res.setHeader('Vary', 'Accept');
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304);
    return void res.end();
  }
  // About 300 KB of protobuf for the built-in kinds: gzipped when the client takes it, as kube-apiserver does.
  writeEncoded(res, 200, chosen.body, chosen.contentType);
}

export function serveOpenApiV3(req: IncomingMessage, res: ServerResponse, openapi: OpenApiV3, path: string | undefined, query: URLSearchParams): void {
  if (path === undefined) return writeBody(res, 200, openapi.index(), { format: 'json', pretty: false });
  const doc = openapi.document(path);
  if (!doc) throw pathNotFound();
  const etag = `"${doc.hash}"`;
  const immutable = query.get('hash') === doc.hash;
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', immutable ? 'public, immutable' : 'no-cache, private');
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304);
    return void res.end();
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(doc.body) });
  res.end(doc.body);
}
