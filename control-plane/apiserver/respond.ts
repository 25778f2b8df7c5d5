/** Writing response bodies: JSON (pretty on request or for curl-like clients) or YAML. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stringify } from 'yaml';
import type { ApiError } from '../../api/errors';
import { statusOf } from './status-response';

export interface Encoding {
  format: 'json' | 'yaml';
  pretty: boolean;
}

/** Kubernetes pretty-prints for `?pretty=true` and for agents a person reads directly. */
export function wantsPretty(req: IncomingMessage, query: URLSearchParams): boolean {
  const pretty = query.get('pretty');
  if (pretty !== null) return pretty === 'true' || pretty === '1' || pretty === '';
  return /^(curl|Wget|Mozilla\/)/.test(req.headers['user-agent'] ?? '');
}

export function encode(body: unknown, encoding: Encoding): { text: string; contentType: string } {
  if (encoding.format === 'yaml') return { text: stringify(body, { aliasDuplicateObjects: false, lineWidth: 0 }), contentType: 'application/yaml' };
  const text = encoding.pretty ? JSON.stringify(body, null, 2) + '\n' : JSON.stringify(body);
  return { text, contentType: 'application/json' };
}

export function writeBody(res: ServerResponse, code: number, body: unknown, encoding: Encoding): void {
  const { text, contentType } = encode(body, encoding);
  writeEncoded(res, code, text, contentType);
}

/** Writes a body already encoded (as `encode` would have; bytes are UTF-8). */
export function writeEncoded(res: ServerResponse, code: number, text: string | Buffer, contentType: string): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

/** Writes a compact JSON body given in parts (head, shared items, tail), without joining them in memory. */
export function writeParts(res: ServerResponse, code: number, parts: { head: string; items: Buffer; tail: string }, contentType: string): void {
  const length = Buffer.byteLength(parts.head) + parts.items.length + Buffer.byteLength(parts.tail);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': length, 'Cache-Control': 'no-cache, private' });
  res.write(parts.head);
  res.write(parts.items);
  res.end(parts.tail);
}

export function writeText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}

/** Errors are JSON Status objects, whatever the client asked for. */
export function writeError(res: ServerResponse, err: ApiError, pretty = false): void {
  if (res.headersSent) return void res.destroy();
  if (err.subject.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(err.subject.retryAfterSeconds));
  writeBody(res, err.httpStatus, statusOf(err), { format: 'json', pretty });
}
