/**
 * A minimal Kubernetes API client for scripts and benchmarks, from a kubeconfig with
 * embedded certificates (what `kubeconfig` writes): JSON requests and watch streams.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { parse } from 'yaml';

interface KubeconfigFile {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
}

export interface WatchEvent {
  type: string;
  object: Record<string, unknown>;
}

export interface WatchHandle {
  close(): void;
}

/** Optional watch callbacks: the answer's status (200 once the stream is open), and the stream's end. */
export interface WatchHooks {
  onOpen?: (statusCode: number) => void;
  /** The stream ended or failed, not by close(). */
  onEnd?: (reason: string) => void;
}

export interface ApiClientOptions {
  /** Sockets the keep-alive agent may open at once; requests beyond them queue in the client (default 16). */
  maxSockets?: number;
}

/** A request as sent by `send`: the body already serialised, and the media types to announce. */
export interface RawRequest {
  body?: string;
  contentType?: string;
  accept?: string;
  /** Accept-Encoding, e.g. `gzip` as Go clients send it; the body is then returned as received (not unpacked). */
  acceptEncoding?: string;
  /** Aborts the request (e.g. `AbortSignal.timeout(ms)`): `send` then rejects. */
  signal?: AbortSignal;
}

export interface RawResponse {
  statusCode: number;
  /** Content-Encoding of the body, if any. */
  contentEncoding?: string;
  body: Buffer;
}

function fromBase64(data: string): string {
  return Buffer.from(data, 'base64').toString('utf8');
}

export class ApiClient {
  private readonly url: URL;
  private readonly tls: { ca: string; cert: string; key: string };
  private readonly agent: https.Agent;

  constructor(kubeconfigFile: string, opts: ApiClientOptions = {}) {
    const config = parse(readFileSync(kubeconfigFile, 'utf8')) as KubeconfigFile;
    this.url = new URL(config.clusters[0].cluster.server);
    const user = config.users[0].user;
    this.tls = {
      ca: fromBase64(config.clusters[0].cluster['certificate-authority-data']),
      cert: fromBase64(user['client-certificate-data']),
      key: fromBase64(user['client-key-data']),
    };
    this.agent = new https.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 16, ...this.tls });
  }

  private options(method: string, path: string, raw: RawRequest = {}): https.RequestOptions {
    const headers = {
      'content-type': raw.contentType ?? 'application/json', accept: raw.accept ?? 'application/json',
      ...(raw.acceptEncoding ? { 'accept-encoding': raw.acceptEncoding } : {}),
    };
    return { host: this.url.hostname, port: this.url.port, method, path, agent: this.agent, headers, signal: raw.signal };
  }

  /** Sends a request and reads the whole answer without parsing it: for callers that time requests or choose media types. */
  send(method: string, path: string, raw: RawRequest = {}): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const req = https.request(this.options(method, path, raw), (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, contentEncoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(raw.body);
    });
  }

  /** Resolves with the parsed body; rejects with the Status message on a non-2xx answer. */
  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const res = await this.send(method, path, { body: body === undefined ? undefined : JSON.stringify(body), signal });
    const text = res.body.toString('utf8');
    if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
    return JSON.parse(text) as T;
  }

  /** Streams watch events (one JSON object a line) to `onEvent` until closed. */
  watch(path: string, onEvent: (event: WatchEvent) => void, hooks: WatchHooks = {}): WatchHandle {
    let closed = false;
    const ended = (reason: string): void => {
      if (!closed) hooks.onEnd?.(reason);
      closed = true;
    };
    const req = https.request(this.options('GET', path), (res) => {
      hooks.onOpen?.(res.statusCode ?? 0);
      let buffered = '';
      res.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) onEvent(JSON.parse(line) as WatchEvent);
      });
      res.on('end', () => ended('stream ended'));
      res.on('error', (err) => ended(err.message));
    });
    req.on('error', (err) => ended(err.message)); // closing the watch aborts the request: not reported
    req.end();
    return { close: () => { closed = true; req.destroy(); } };
  }

  close(): void {
    this.agent.destroy();
  }
}
