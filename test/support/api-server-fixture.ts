/**
 * A real API server for integration tests: a Registry on the given etcd (its own key space),
 * the default namespaces, and HTTPS on a free loopback port with a fresh cluster PKI, an admin
 * kubeconfig for the real kubectl, and an HTTPS client that presents (or withholds) the
 * admin's client certificate. `stop()` closes the server and removes the temporary files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ensureDefaultNamespaces } from '../../control-plane/apiserver/ensure-default-namespaces';
import type { AnyKind } from '../../control-plane/registry/kinds';
import { Registry } from '../../control-plane/registry/registry';
import { createApiServer, type ApiServer, type ApiServerOptions } from '../../control-plane/apiserver/server';
import { storedObjectCheck } from '../../control-plane/apiserver/stored-object-check';
import { issueAdminCertificate, loadOrCreateClusterPki, type ClusterPki } from '../../control-plane/auth/cluster-pki';
import { writeKubeconfig } from '../../control-plane/auth/kubeconfig';
import type { KeyPair } from '../../control-plane/auth/pki';
import type { KeySpace } from '../../control-plane/store/keys';
import type { Store } from '../../control-plane/store/store';
import { runCommand, type CommandResult } from '../../scripts/cluster/run-command';
import type { EtcdFixture } from './etcd-fixture';

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body's bytes as received (still gzipped if the answer was). */
  bytes: Buffer;
  /** The body parsed as JSON (throws if it is not). */
  json<T = Record<string, any>>(): T; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RequestOptions {
  body?: string | Buffer | object;
  headers?: Record<string, string>;
  /** Present the admin client certificate. Default true. */
  authenticated?: boolean;
  timeoutMs?: number;
}

export interface ApiServerFixture {
  port: number;
  url: string;
  registry: Registry;
  /** The store and key space under the registry (for informers on the same objects). */
  store: Store;
  keySpace: KeySpace;
  pki: ClusterPki;
  admin: KeyPair;
  kubeconfig: string;
  /** The flags `kubectl()` passes (kubeconfig, a private discovery cache), for kubectl started otherwise. */
  kubectlFlags: string[];
  server: ApiServer;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpResult>;
  /** Runs the real kubectl against this server; never throws on a non-zero exit. */
  kubectl(args: string[], options?: { input?: string; timeoutMs?: number }): Promise<CommandResult>;
  stop(): Promise<void>;
}

export interface ApiServerFixtureOptions {
  server?: Partial<ApiServerOptions>;
  /** Wraps the store the registry uses (to observe what the server does to it). */
  wrapStore?: (store: Store) => Store;
  /** The kinds served; default KINDS. */
  kinds?: readonly AnyKind[];
}

export async function startApiServerFixture(etcd: EtcdFixture, options: ApiServerFixtureOptions = {}): Promise<ApiServerFixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-apiserver-'));
  const keySpace = etcd.keySpace();
  // As the control plane wires it: objects that are not valid objects of their kind are skipped by readers.
  const store = etcd.store({ checkObject: storedObjectCheck(keySpace, options.kinds) });
  const registry = new Registry({ store: options.wrapStore ? options.wrapStore(store) : store, keySpace, kinds: options.kinds });
  await ensureDefaultNamespaces(registry);
  const pki = loadOrCreateClusterPki(dir, '127.0.0.1');
  const admin = issueAdminCertificate(pki.ca);
  const tls = { caCertPem: pki.ca.certPem, certPem: pki.serving.certPem, keyPem: pki.serving.keyPem };
  const server: ApiServer = createApiServer({ registry, tls, port: 0, host: '127.0.0.1', log: () => undefined, ...options.server });
  const port = await server.listen();
  const url = `https://127.0.0.1:${port}`;
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, { server: url, caCertPem: pki.ca.certPem, client: admin });
  const kubectlFlags = [`--kubeconfig=${kubeconfig}`, `--cache-dir=${path.join(dir, 'kube-cache')}`];
  return {
    port, url, registry, store, keySpace, pki, admin, kubeconfig, kubectlFlags, server,
    request: (method, p, options = {}) => httpsRequest(port, pki, admin, method, p, options),
    kubectl: (args, options = {}) =>
      runCommand('/usr/bin/kubectl', [...kubectlFlags, ...args], { allowFailure: true, input: options.input, timeoutMs: options.timeoutMs ?? 30_000 }),
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function encodeBody(body: RequestOptions['body']): Buffer | undefined {
  if (body === undefined) return undefined;
  if (Buffer.isBuffer(body)) return body;
  return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
}

export function httpsRequest(port: number, pki: ClusterPki, admin: KeyPair, method: string, p: string, options: RequestOptions): Promise<HttpResult> {
  const body = encodeBody(options.body);
  const creds = options.authenticated === false ? {} : { cert: admin.certPem, key: admin.keyPem };
  const headers: Record<string, string> = { ...(body && typeof options.body === 'object' && !Buffer.isBuffer(options.body) ? { 'Content-Type': 'application/json' } : {}), ...options.headers };
  // Node's client sends a DELETE body without any length unless told: say it.
  if (body && !headers['Transfer-Encoding']) headers['Content-Length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path: p, method, ca: pki.ca.certPem, ...creds, headers, timeout: options.timeoutMs ?? 10_000, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const text = bytes.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, bytes, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${p} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}
