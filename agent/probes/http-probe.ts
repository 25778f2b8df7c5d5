/**
 * httpGet probes (pkg/probe/http DoHTTPProbe): a GET without keep-alive; HTTPS skips
 * certificate verification as the kubelet does; 200–399 succeeds, anything else fails with
 * `HTTP probe failed with statuscode: <code>` (never the body: it may hold secrets).
 *
 * Redirects as the kubelet's client follows them (followNonLocalRedirects=false): to the same
 * host name (any port or scheme) up to 10 requests; a redirect to another host is not followed
 * and its 3xx counts as a success with a warning (`Probe terminated redirects, Response body: …`).
 * The timeout covers the whole exchange, redirects and body included.
 */
import http from 'node:http';
import https from 'node:https';
import { dialErrorText } from './dial-error';
import type { HttpProbeRequest } from './http-probe-request';
import { errored, MAX_PROBE_OUTPUT_BYTES, outcome, type ProbeOutcome } from './probe-outcome';

const FOLLOWED = new Set([301, 302, 303, 307, 308]);
const MAX_REQUESTS = 10;
const HEADERS_TIMEOUT = 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)';
const BODY_TIMEOUT = 'context deadline exceeded (Client.Timeout or context cancellation while reading body)';

interface Fetched {
  status: number;
  location?: string;
  body: string;
}

/** Why a request failed: before the response's headers, or while reading its body. */
class FetchError extends Error {
  constructor(readonly phase: 'headers' | 'body', override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * Probes once. `deadline` is the probe's timeout (failure when it fires); `stop` abandons the
 * attempt (the promise rejects with its reason).
 */
export async function httpProbe(req: HttpProbeRequest, stop: AbortSignal, deadline: AbortSignal): Promise<ProbeOutcome> {
  stop.throwIfAborted();
  const signal = AbortSignal.any([stop, deadline]);
  let url = req.url;
  let headers = req.headers;
  for (let sent = 1; ; sent++) {
    let res: Fetched;
    try {
      res = await get(url, headers, signal);
    } catch (err) {
      stop.throwIfAborted();
      return failedRequest(url, err, deadline.aborted);
    }
    const next = FOLLOWED.has(res.status) && res.location ? redirectTarget(res.location, url) : undefined;
    if (!next || next.hostname !== req.url.hostname) return classify(res);
    if (sent >= MAX_REQUESTS) return outcome('failure', `Get "${res.location}": stopped after 10 redirects`);
    headers = redirectHeaders(req.headers, url, next, res.location as string);
    url = next;
  }
}

function failedRequest(url: URL, err: unknown, timedOut: boolean): ProbeOutcome {
  const phase = err instanceof FetchError ? err.phase : 'headers';
  const cause = err instanceof FetchError ? err.cause : err;
  // The kubelet fails a probe whose request fails, but errors one whose body cannot be read.
  if (phase === 'body') return errored(timedOut ? BODY_TIMEOUT : dialErrorText(cause, url.host), 'failure');
  return outcome('failure', `Get "${url.href}": ${timedOut ? HEADERS_TIMEOUT : dialErrorText(cause, url.host)}`);
}

function redirectTarget(location: string, base: URL): URL | undefined {
  try {
    return new URL(location, base);
  } catch {
    return undefined;
  }
}

/**
 * Go's client on a redirect: the same headers, a Referer (unless leaving HTTPS for HTTP), and
 * a custom Host header only when the Location was relative.
 */
function redirectHeaders(original: Map<string, string[]>, from: URL, to: URL, location: string): Map<string, string[]> {
  const headers = new Map(original);
  if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(location)) headers.delete('Host');
  if (!(from.protocol === 'https:' && to.protocol === 'http:') && !headers.has('Referer')) headers.set('Referer', [refererOf(from)]);
  return headers;
}

function refererOf(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  copy.hash = '';
  return copy.href;
}

function classify(res: Fetched): ProbeOutcome {
  if (res.status >= 200 && res.status < 400) {
    if (res.status >= 300) return outcome('warning', `Probe terminated redirects, Response body: ${res.body}`);
    return outcome('success', res.body);
  }
  return outcome('failure', `HTTP probe failed with statuscode: ${res.status}`);
}

function outgoingHeaders(headers: Map<string, string[]>): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, values] of headers) out[name] = values.length === 1 ? values[0] : values;
  return out;
}

/** One GET; resolves with the status, Location and at most 10 KiB of the body. */
function get(url: URL, headers: Map<string, string[]>, signal: AbortSignal): Promise<Fetched> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let responded = false;
    const req = client.request(url, { method: 'GET', headers: outgoingHeaders(headers), agent: false, signal, rejectUnauthorized: false }, (res) => {
      responded = true;
      readBounded(res, MAX_PROBE_OUTPUT_BYTES).then(
        (body) => resolve({ status: res.statusCode ?? 0, location: header(res.headers.location), body }),
        (err: unknown) => reject(new FetchError('body', err)),
      );
    });
    // Once the response is in, a failure belongs to reading its body.
    req.on('error', (err) => responded || reject(new FetchError('headers', err)));
    req.end();
  });
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Reads up to `max` bytes; a longer body is cut there (and the connection dropped), as the kubelet does. */
async function readBounded(res: http.IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Rejects when the body breaks off (reset, timeout); leaving the loop early destroys the response.
  for await (const chunk of res as AsyncIterable<Buffer>) {
    chunks.push(chunk.subarray(0, max - size));
    size += Math.min(chunk.length, max - size);
    if (size >= max) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}
