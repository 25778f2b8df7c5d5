/**
 * One JSON request over HTTPS, for the few places outside the API server's own clients that
 * talk to it: the agent joining (first over an unverified connection, then pinned to the CA
 * it checked) and `pikube-server token`. The answer is parsed when it is JSON.
 */
import https from 'node:https';

export interface HttpsJsonRequest {
  url: string;
  method?: string;
  body?: unknown;
  /** The CA to verify the server with; absent: the server is NOT verified (discovery only). */
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  bearerToken?: string;
  signal?: AbortSignal;
}

export interface HttpsJsonResponse {
  status: number;
  body: unknown;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

export function httpsJson(request: HttpsJsonRequest): Promise<HttpsJsonResponse> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (request.bearerToken) headers.authorization = `Bearer ${request.bearerToken}`;
  const tls = request.caPem === undefined ? { rejectUnauthorized: false } : { ca: request.caPem, cert: request.certPem, key: request.keyPem };
  return new Promise((resolve, reject) => {
    const req = https.request(request.url, { method: request.method ?? 'GET', headers, signal: request.signal, timeout: 30_000, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) req.destroy(new Error(`${request.url}: answer larger than ${MAX_BODY_BYTES} bytes`));
        else chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parsed(Buffer.concat(chunks).toString('utf8')) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${request.url}: no answer within 30 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The `message` of a Kubernetes Status answer, or the status code. */
export function failureText(response: HttpsJsonResponse): string {
  const message = (response.body as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? `${response.status} ${message}` : `HTTP ${response.status}`;
}
