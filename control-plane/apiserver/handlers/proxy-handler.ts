/**
 * The API server's proxy subresources, `…/pods/NAME[:port]/proxy/PATH` and
 * `…/services/NAME[:port]/proxy/PATH` (what `kubectl proxy` users open in a browser): the
 * request, its method, headers, body and query, goes to the chosen pod's port as HTTP/1.1 over
 * one forwarded connection through the pod's node (the same tunnel as port-forward), and the
 * answer comes back as it is. A websocket (or any) upgrade is relayed byte for byte once its
 * head is written. Unlike Kubernetes, links and redirects in answers are not rewritten to the
 * proxy path.
 */
import http, { type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, toApiError } from '../../../api/errors';
import type { Registry } from '../../registry/registry';
import { nodeWithoutSession, streamsUnavailable, type PodStreamProvider } from '../pod-stream-provider';
import { nodeOf } from '../pod-stream-target';
import { podStreamSocket } from '../proxy/pod-stream-socket';
import { podProxyTarget, serviceProxyTarget, type ProxyTarget } from '../proxy/proxy-target';
import type { RequestScope } from '../request-scope';
import type { ResourceTarget } from '../router';

/** Hop-by-hop headers (RFC 9110 7.6.1) are not forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate']);

/** The path after `…/{name}/proxy`, raw as the client sent it (a trailing slash kept), and the query. */
export function proxiedPath(rawUrl: string | undefined, target: ResourceTarget): string {
  const url = rawUrl ?? '/';
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  const segments = pathname.split('/');
  let at = -1;
  for (let i = 2; i < segments.length; i++) {
    if (segments[i] === 'proxy' && segments[i - 2] === target.info.resource) at = i;
    if (at >= 0) break;
  }
  const rest = at < 0 ? '' : segments.slice(at + 1).join('/');
  return `/${rest}${q < 0 ? '' : url.slice(q)}`;
}

async function resolve(registry: Registry, target: ResourceTarget): Promise<ProxyTarget> {
  const namespace = target.namespace ?? 'default';
  const id = target.name ?? '';
  return target.info.resource === 'services' ? serviceProxyTarget(registry, namespace, id) : podProxyTarget(registry, namespace, id);
}

function forwardedHeaders(req: IncomingMessage): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP_BY_HOP.has(name) && name !== 'authorization' && value !== undefined) headers[name] = value;
  }
  return headers;
}

async function connect(streams: PodStreamProvider | undefined, t: ProxyTarget, signal: AbortSignal): Promise<Duplex> {
  if (!streams) throw streamsUnavailable();
  const node = nodeOf(t.pod);
  if (!streams.isConnected(node)) throw nodeWithoutSession(node);
  try {
    return podStreamSocket(await streams.openPortForward(t.pod, t.port, signal));
  } catch (err: unknown) {
    throw new ApiError('ServiceUnavailable', `error trying to reach service: ${toApiError(err).message}`);
  }
}

/** An HTTP request through the proxy. */
export async function serveProxy(scope: RequestScope, target: ResourceTarget): Promise<void> {
  const t = await resolve(scope.registry, target);
  const gone = new AbortController();
  scope.res.once('close', () => gone.abort());
  const socket = await connect(scope.streams, t, gone.signal);
  await new Promise<void>((done, fail) => {
    const upstream = http.request({
      method: scope.req.method, path: proxiedPath(scope.req.url, target), headers: forwardedHeaders(scope.req), createConnection: () => socket,
    }, (answer) => {
      const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
      scope.res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(scope.res);
      answer.once('end', () => done());
      answer.once('error', () => done());
    });
    upstream.once('error', (err) => (scope.res.headersSent ? (scope.res.destroy(), done()) : fail(new ApiError('ServiceUnavailable', `error trying to reach service: ${err.message}`))));
    scope.req.pipe(upstream);
  }).finally(() => socket.destroy());
}

/** An upgrade (websockets) through the proxy: the request head is written, then bytes flow both ways. */
export async function upgradeProxy(registry: Registry, streams: PodStreamProvider | undefined, req: IncomingMessage, client: Duplex, head: Buffer, target: ResourceTarget): Promise<void> {
  const t = await resolve(registry, target);
  const gone = new AbortController();
  client.once('close', () => gone.abort());
  const upstream = await connect(streams, t, gone.signal);
  const lines = [`${req.method ?? 'GET'} ${proxiedPath(req.url, target)} HTTP/1.1`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() !== 'authorization') lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  }
  upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
  if (head.length > 0) upstream.write(head);
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
  upstream.pipe(client);
  client.pipe(upstream);
  client.once('close', () => upstream.destroy());
  upstream.once('close', () => client.destroy());
}
