/**
 * Writing response bodies: JSON (pretty on request or for curl-like clients) or YAML, gzipped
 * as the apiserver's response writers do (APIResponseCompression, on by default since 1.16):
 * when the request's Accept-Encoding names `gzip` and the body is over 128 KiB, at level 1.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { gzip } from 'node:zlib';
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

/** Bodies larger than this are gzipped for a client that accepts it (the apiserver's defaultGzipThresholdBytes). */
export const GZIP_THRESHOLD_BYTES = 128 * 1024;

/** zlib's fastest level, as the apiserver's (kubernetes#112296: near the best ratios for JSON, a fraction of the CPU). */
const GZIP_LEVEL = 1;

/**
 * Whether the request accepts gzip: a comma-separated token of Accept-Encoding that is exactly
 * `gzip`, as the apiserver reads it (Go clients, kubectl among them, send `Accept-Encoding: gzip`).
 */
export function acceptsGzip(req: IncomingMessage | undefined): boolean {
  const header = req?.headers['accept-encoding'];
  return typeof header === 'string' && header.split(',').some((token) => token.trim() === 'gzip');
}

/** A body gzipped at the apiserver's level, off the event loop (zlib's thread pool). */
export function gzipBody(body: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => gzip(body, { level: GZIP_LEVEL }, (err, out) => (err ? reject(err) : resolve(out))));
}

function headers(contentType: string, length: number, gzipped: boolean): OutgoingHttpHeaders {
  const base = { 'Content-Type': contentType, 'Content-Length': length, 'Cache-Control': 'no-cache, private' };
  return gzipped ? { ...base, 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : base;
}

function shouldGzip(res: ServerResponse, length: number): boolean {
  return length > GZIP_THRESHOLD_BYTES && acceptsGzip(res.req);
}

export function writeBody(res: ServerResponse, code: number, body: unknown, encoding: Encoding): void {
  const { text, contentType } = encode(body, encoding);
  writeEncoded(res, code, text, contentType);
}

/** Writes a body already encoded (as `encode` would have; bytes are UTF-8); large ones gzipped when accepted. */
export function writeEncoded(res: ServerResponse, code: number, text: string | Buffer, contentType: string): void {
  const length = Buffer.byteLength(text);
  if (!shouldGzip(res, length)) {
    res.writeHead(code, headers(contentType, length, false));
    res.end(text);
    return;
  }
  void gzipBody(typeof text === 'string' ? Buffer.from(text, 'utf8') : text).then(
    (out) => writeGzipped(res, code, out, contentType),
    () => res.destroy(), // zlib failing on a buffer in memory: nothing sensible left to send
  );
}

function writeGzipped(res: ServerResponse, code: number, body: Buffer, contentType: string): void {
  if (res.destroyed) return;
  res.writeHead(code, headers(contentType, body.length, true));
  res.end(body);
}

/** A compact JSON body in parts (head, shared items, tail), and its gzip when one is shared too. */
export interface BodyParts {
  head: string;
  items: Buffer;
  tail: string;
  /** The whole body gzipped (gzipBody of the parts joined), when it can be shared between requests. */
  gzipped?: () => Promise<Buffer>;
}

/** The parts joined and gzipped. */
export function gzipParts(parts: Pick<BodyParts, 'head' | 'items' | 'tail'>): Promise<Buffer> {
  return gzipBody(Buffer.concat([Buffer.from(parts.head), parts.items, Buffer.from(parts.tail)]));
}

/** Writes a compact JSON body given in parts, without joining them in memory unless it is gzipped. */
export async function writeParts(res: ServerResponse, code: number, parts: BodyParts, contentType: string): Promise<void> {
  const length = Buffer.byteLength(parts.head) + parts.items.length + Buffer.byteLength(parts.tail);
  if (shouldGzip(res, length)) {
    writeGzipped(res, code, await (parts.gzipped ?? (() => gzipParts(parts)))(), contentType);
    return;
  }
  res.writeHead(code, headers(contentType, length, false));
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
