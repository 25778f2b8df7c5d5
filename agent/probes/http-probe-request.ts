/**
 * The GET request of an httpGet probe, built as the kubelet builds it (pkg/probe/http
 * NewRequestForHTTPGetAction): host defaults to the pod IP, a named port resolves through the
 * container's ports, the path may carry a query, header names are canonicalised as Go's
 * http.Header does, `User-Agent: kube-probe/1.32` and `Accept: *\/*` are added unless given
 * (an empty Accept removes it), and a `Host` header becomes the request's Host.
 */
import type { Container, HTTPHeader, ProbeHandler } from '../../api/core-v1';
import { joinHostPort, resolveContainerPort } from './container-port';
import { PROBE_USER_AGENT } from './probe-outcome';

export type HttpGetAction = NonNullable<ProbeHandler['httpGet']>;

export interface HttpProbeRequest {
  url: URL;
  /** Canonical header name → values, in the order given. */
  headers: Map<string, string[]>;
}

/** Go's textproto.CanonicalMIMEHeaderKey: `x-custom-header` → `X-Custom-Header`; names with odd bytes stay as they are. */
export function canonicalHeaderName(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
}

function probeHeaders(list: HTTPHeader[] | undefined): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (const h of list ?? []) {
    const name = canonicalHeaderName(h.name);
    headers.set(name, [...(headers.get(name) ?? []), h.value]);
  }
  if (!headers.has('User-Agent')) headers.set('User-Agent', [PROBE_USER_AGENT]);
  const accept = headers.get('Accept');
  if (!accept) headers.set('Accept', ['*/*']);
  else if (accept[0] === '') headers.delete('Accept');
  return headers;
}

/** The URL of the probe: the path is parsed like a URL (query kept), then scheme and host are forced. */
function probeUrl(scheme: string, hostPort: string, path: string): URL {
  const url = new URL(path || '/', `${scheme}://${hostPort}/`);
  url.protocol = `${scheme}:`;
  url.host = hostPort;
  return url;
}

/** The request, or an Error when it cannot be built (the probe then errors rather than fails). */
export function httpGetRequest(action: HttpGetAction, container: Container, podIP: string | undefined): HttpProbeRequest | Error {
  const scheme = (action.scheme || 'HTTP').toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return new Error(`unsupported protocol scheme "${scheme}"`);
  const host = action.host || podIP;
  if (!host) return new Error('the pod has no IP address yet');
  const port = resolveContainerPort(action.port, container);
  if (port instanceof Error) return port;
  try {
    return { url: probeUrl(scheme, joinHostPort(host, port), action.path ?? '/'), headers: probeHeaders(action.httpHeaders) };
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}
