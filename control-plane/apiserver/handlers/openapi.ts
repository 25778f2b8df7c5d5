/**
 * `/openapi/v3` (the index of group-version documents) and `/openapi/v3/<path>`. Documents
 * are identified by their content hash: a `?hash=` URL is immutable and cacheable, and the
 * ETag lets clients revalidate. `/openapi/v2` is not served (kubectl 1.32 needs only v3).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OpenApiV3 } from '../openapi';
import { writeBody } from '../respond';
import { pathNotFound } from '../status-response';

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
