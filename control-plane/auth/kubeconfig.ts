/**
 * A kubeconfig for kubectl: one cluster, user and context, all named `pikube` by default,
 * with the CA and the client certificate embedded (base64 `*-data` fields), so the file
 * is self-contained. It holds a private key: written 0600.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import type { KeyPair } from './pki';

export interface KubeconfigOptions {
  /** `https://host:port` of the API server. */
  server: string;
  caCertPem: string;
  client: KeyPair;
  /** Name of the cluster, user and context. */
  name?: string;
  namespace?: string;
}

function b64(pem: string): string {
  return Buffer.from(pem, 'utf8').toString('base64');
}

export function renderKubeconfig(opts: KubeconfigOptions): string {
  const name = opts.name ?? 'pikube';
  const context: Record<string, string> = { cluster: name, user: name };
  if (opts.namespace) context.namespace = opts.namespace;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name, cluster: { server: opts.server, 'certificate-authority-data': b64(opts.caCertPem) } }],
    users: [{ name, user: { 'client-certificate-data': b64(opts.client.certPem), 'client-key-data': b64(opts.client.keyPem) } }],
    contexts: [{ name, context }],
    'current-context': name,
  }, { lineWidth: 0 });
}

export function writeKubeconfig(file: string, opts: KubeconfigOptions): void {
  writeFileSync(file, renderKubeconfig(opts), { mode: 0o600 });
}

/** What a kubeconfig written by renderKubeconfig holds: the first cluster and user, certificates embedded. */
export interface KubeconfigCredentials {
  server: string;
  caCertPem: string;
  client: KeyPair;
}

function fromB64(text: unknown, what: string, file: string): string {
  if (typeof text !== 'string' || text === '') throw new Error(`${file}: no ${what} (a kubeconfig with embedded certificates is needed, as pikube-server kubeconfig writes)`);
  return Buffer.from(text, 'base64').toString('utf8');
}

export function readKubeconfig(file: string): KubeconfigCredentials {
  const doc = parse(readFileSync(file, 'utf8')) as { clusters?: { cluster?: Record<string, unknown> }[]; users?: { user?: Record<string, unknown> }[] } | null;
  const cluster = doc?.clusters?.[0]?.cluster ?? {};
  const user = doc?.users?.[0]?.user ?? {};
  if (typeof cluster.server !== 'string') throw new Error(`${file}: no cluster server`);
  return {
    server: cluster.server,
    caCertPem: fromB64(cluster['certificate-authority-data'], 'certificate-authority-data', file),
    client: { certPem: fromB64(user['client-certificate-data'], 'client-certificate-data', file), keyPem: fromB64(user['client-key-data'], 'client-key-data', file) },
  };
}
