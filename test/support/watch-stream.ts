/**
 * Reads a watch stream from the API server as a client would: newline-separated JSON events
 * collected as they arrive, until the server ends the stream or the test closes it.
 */
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiServerFixture } from './api-server-fixture';

export interface WatchEventLine {
  type: string;
  object: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface OpenWatch {
  status: number;
  headers: IncomingHttpHeaders;
  events: WatchEventLine[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export function openWatch(api: ApiServerFixture, path: string, headers: Record<string, string> = {}): Promise<OpenWatch> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: api.port, path, ca: api.pki.ca.certPem, cert: api.admin.certPem, key: api.admin.keyPem, headers, agent: false }, (res) => {
      const events: WatchEventLine[] = [];
      let buffered = '';
      const ended = new Promise<void>((done) => {
        res.on('end', done);
        res.on('close', done);
      });
      res.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as WatchEventLine);
      });
      resolve({ status: res.statusCode ?? 0, headers: res.headers, events, ended, close: () => req.destroy() });
    });
    req.on('error', (err) => reject(err));
    req.end();
  });
}
