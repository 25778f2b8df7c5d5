/**
 * A kubeconfig for kubectl: one cluster, user and context, all named `pikube` by default,
 * with the CA and the client certificate embedded (base64 `*-data` fields), so the file
 * is self-contained. It holds a private key: written 0600.
 */
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
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
