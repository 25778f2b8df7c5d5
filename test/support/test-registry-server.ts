/**
 * A registry for tests, run inside a network namespace a test made (test-registry.ts starts
 * it with nsenter): just enough of the Docker Registry HTTP API v2 for `docker pull` — the
 * `/v2/` version check, manifests by tag or digest (GET and HEAD), blobs by digest — behind
 * HTTP basic auth, answering 401 with a `WWW-Authenticate: Basic` challenge and the
 * registry's error JSON as docker/distribution does. It serves one repository from a folder
 * prepared by test-registry.ts (`manifest.json` and `blobs/<sha256 hex>`). Usage:
 * `node test-registry-server.js <dir> <address> <port> <repository> <tag> <user> <password>`.
 * Prints `listening` once it accepts connections; stops on SIGTERM.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';

const MANIFEST_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';

interface Options { dir: string; address: string; port: number; repository: string; tag: string; user: string; password: string }

function errorBody(code: string, message: string): string {
  return JSON.stringify({ errors: [{ code, message, detail: null }] });
}

function send(res: ServerResponse, status: number, headers: Record<string, string | number>, body?: string): void {
  res.writeHead(status, { 'Docker-Distribution-API-Version': 'registry/2.0', ...headers });
  res.end(body);
}

function authorized(req: IncomingMessage, opts: Options): boolean {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return false;
  return Buffer.from(header.slice(6), 'base64').toString('utf8') === `${opts.user}:${opts.password}`;
}

function serveManifest(req: IncomingMessage, res: ServerResponse, opts: Options, reference: string): void {
  const manifest = readFileSync(path.join(opts.dir, 'manifest.json'));
  const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
  if (reference !== opts.tag && reference !== digest) return send(res, 404, { 'Content-Type': 'application/json' }, errorBody('MANIFEST_UNKNOWN', 'manifest unknown'));
  send(res, 200, { 'Content-Type': MANIFEST_TYPE, 'Content-Length': manifest.length, 'Docker-Content-Digest': digest }, req.method === 'HEAD' ? undefined : manifest.toString('utf8'));
}

function serveBlob(req: IncomingMessage, res: ServerResponse, opts: Options, digest: string): void {
  const hex = /^sha256:([0-9a-f]{64})$/.exec(digest)?.[1];
  const file = hex ? path.join(opts.dir, 'blobs', hex) : '';
  if (!hex || !existsSync(file)) return send(res, 404, { 'Content-Type': 'application/json' }, errorBody('BLOB_UNKNOWN', 'blob unknown to registry'));
  res.writeHead(200, { 'Docker-Distribution-API-Version': 'registry/2.0', 'Content-Type': 'application/octet-stream', 'Content-Length': statSync(file).size, 'Docker-Content-Digest': digest });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}

function handle(req: IncomingMessage, res: ServerResponse, opts: Options): void {
  const url = new URL(req.url ?? '/', 'http://registry');
  if (!authorized(req, opts)) {
    return send(res, 401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Basic realm="pikube-test-registry"' }, errorBody('UNAUTHORIZED', 'authentication required'));
  }
  if (url.pathname === '/v2/' || url.pathname === '/v2') return send(res, 200, { 'Content-Type': 'application/json' }, '{}');
  const prefix = `/v2/${opts.repository}/`;
  if (!url.pathname.startsWith(prefix) || (req.method !== 'GET' && req.method !== 'HEAD')) {
    return send(res, 404, { 'Content-Type': 'application/json' }, errorBody('NAME_UNKNOWN', 'repository name not known to registry'));
  }
  const [kind, reference] = url.pathname.slice(prefix.length).split('/');
  if (kind === 'manifests' && reference) return serveManifest(req, res, opts, reference);
  if (kind === 'blobs' && reference) return serveBlob(req, res, opts, reference);
  send(res, 404, { 'Content-Type': 'application/json' }, errorBody('NAME_UNKNOWN', 'repository name not known to registry'));
}

function main(argv: string[]): void {
  const [dir, address, port, repository, tag, user, password] = argv;
  const opts: Options = { dir, address, port: Number(port), repository, tag, user, password };
  const server = createServer((req, res) => handle(req, res, opts));
  server.listen(opts.port, opts.address, () => process.stdout.write('listening\n'));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main(process.argv.slice(2));
