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

export interface WatchHandle {
  close(): void;
}

function fromBase64(data: string): string {
  return Buffer.from(data, 'base64').toString('utf8');
}

export class ApiClient {
  private readonly url: URL;
  private readonly tls: { ca: string; cert: string; key: string };
  private readonly agent: https.Agent;

  constructor(kubeconfigFile: string) {
    const config = parse(readFileSync(kubeconfigFile, 'utf8')) as KubeconfigFile;
    this.url = new URL(config.clusters[0].cluster.server);
    const user = config.users[0].user;
    this.tls = {
      ca: fromBase64(config.clusters[0].cluster['certificate-authority-data']),
      cert: fromBase64(user['client-certificate-data']),
      key: fromBase64(user['client-key-data']),
    };
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 16, ...this.tls });
  }

  private options(method: string, path: string): https.RequestOptions {
    return { host: this.url.hostname, port: this.url.port, method, path, agent: this.agent, headers: { 'content-type': 'application/json', accept: 'application/json' } };
  }

  /** Resolves with the parsed body; rejects with the Status message on a non-2xx answer. */
  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      const req = https.request(this.options(method, path), (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) resolve(JSON.parse(text) as T);
          else reject(new Error(`${method} ${path}: ${code} ${text}`));
        });
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  /** Streams watch events (one JSON object a line) to `onEvent` until closed. */
  watch(path: string, onEvent: (event: { type: string; object: Record<string, unknown> }) => void): WatchHandle {
    const req = https.request(this.options('GET', path), (res) => {
      let buffered = '';
      res.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) onEvent(JSON.parse(line) as { type: string; object: Record<string, unknown> });
      });
    });
    req.on('error', () => undefined); // closing the watch aborts the request
    req.end();
    return { close: () => req.destroy() };
  }

  close(): void {
    this.agent.destroy();
  }
}
