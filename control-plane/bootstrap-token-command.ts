/**
 * `pikube-server token create|list|delete` (kubeadm token's commands), through the API with
 * an admin kubeconfig (`--kubeconfig`, default /etc/pikube/admin.kubeconfig):
 *   create [--ttl 24h] [--description TEXT] [--print-join-command]   a new token (0 = never
 *          expires), usable for authentication and for signing cluster-info, in kubeadm's
 *          default group; prints the token, or with --print-join-command the agent's command
 *   list   TOKEN TTL EXPIRES USAGES DESCRIPTION EXTRA GROUPS, as kubeadm prints them
 *   delete ID|TOKEN
 */
import { randomInt } from 'node:crypto';
import {
  BOOTSTRAP_TOKEN_NAMESPACE, BOOTSTRAP_TOKEN_SECRET_TYPE, bootstrapTokenSecret, bootstrapTokenSecretName, DEFAULT_NODE_TOKEN_GROUP,
  expirationOf, parseBootstrapToken, secretField,
} from '../api/bootstrap-token';
import { caCertHash } from '../api/ca-cert-hash';
import type { Secret } from '../api/config-v1';
import { parseDuration } from '../api/duration';
import { failureText, httpsJson, type HttpsJsonResponse } from '../base/https-json';
import { readKubeconfig, type KubeconfigCredentials } from './auth/kubeconfig';

export const DEFAULT_ADMIN_KUBECONFIG = '/etc/pikube/admin.kubeconfig';
const DEFAULT_TTL = '24h';
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const SECRETS = `/api/v1/namespaces/${BOOTSTRAP_TOKEN_NAMESPACE}/secrets`;

export interface TokenCommandOptions {
  kubeconfig?: string;
  ttl?: string;
  description?: string;
  printJoinCommand: boolean;
  now?: () => Date;
}

function randomText(length: number): string {
  return Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/** A fresh `<6>.<16>` token (kubeadm's GenerateBootstrapToken). */
export function generateBootstrapToken(): string {
  return `${randomText(6)}.${randomText(16)}`;
}

async function api(creds: KubeconfigCredentials, method: string, path: string, body?: unknown): Promise<HttpsJsonResponse> {
  return httpsJson({ url: `${creds.server}${path}`, method, body, caPem: creds.caCertPem, certPem: creds.client.certPem, keyPem: creds.client.keyPem });
}

/** The agent's command line that joins with `token`, pinned to the kubeconfig's CA. */
export function joinCommand(server: string, caCertPem: string, token: string): string {
  return `pikube-agent --server ${server} --token ${token} --ca-cert-hash ${caCertHash(caCertPem)}`;
}

async function create(creds: KubeconfigCredentials, options: TokenCommandOptions): Promise<string> {
  const ttlMs = parseDuration(options.ttl ?? DEFAULT_TTL);
  const text = generateBootstrapToken();
  const token = parseBootstrapToken(text);
  if (!token) throw new Error('BUG: generated token is malformed');
  const now = (options.now ?? (() => new Date()))();
  const expiration = ttlMs > 0 ? new Date(now.getTime() + ttlMs) : undefined;
  const secret = bootstrapTokenSecret({ token, expiration, description: options.description, usages: ['authentication', 'signing'], extraGroups: [DEFAULT_NODE_TOKEN_GROUP] });
  const res = await api(creds, 'POST', SECRETS, secret);
  if (res.status !== 201) throw new Error(`token not created: ${failureText(res)}`);
  return options.printJoinCommand ? joinCommand(creds.server, creds.caCertPem, text) : text;
}

function ttlText(secret: Secret, now: Date): [string, string] {
  const at = expirationOf(secret);
  if (at === undefined) return ['<forever>', '<never>'];
  if (Number.isNaN(at)) return ['<invalid>', '<invalid>'];
  const hours = Math.max(0, Math.round((at - now.getTime()) / 3600_000));
  return [at <= now.getTime() ? '<invalid>' : `${hours}h`, new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z')];
}

/** kubeadm token list's table: the token, its TTL and expiry, usages, description, extra groups. */
export function tokenTable(secrets: readonly Secret[], now: Date): string {
  const rows = [['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS']];
  for (const s of secrets.filter((x) => x.type === BOOTSTRAP_TOKEN_SECRET_TYPE)) {
    const usages = ['authentication', 'signing'].filter((u) => secretField(s, `usage-bootstrap-${u}`) === 'true').join(',');
    const [ttl, expires] = ttlText(s, now);
    rows.push([`${secretField(s, 'token-id') ?? ''}.${secretField(s, 'token-secret') ?? ''}`, ttl, expires, usages || '<none>', secretField(s, 'description') ?? '<none>', secretField(s, 'auth-extra-groups') ?? '<none>']);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 3))).join('')).join('\n') + '\n';
}

async function list(creds: KubeconfigCredentials, options: TokenCommandOptions): Promise<string> {
  const res = await api(creds, 'GET', SECRETS);
  if (res.status !== 200) throw new Error(`tokens not listed: ${failureText(res)}`);
  return tokenTable((res.body as { items?: Secret[] }).items ?? [], (options.now ?? (() => new Date()))());
}

async function remove(creds: KubeconfigCredentials, which: string | undefined): Promise<string> {
  const id = which?.split('.')[0] ?? '';
  if (!/^[a-z0-9]{6}$/.test(id)) throw new Error(`token delete needs a token id ([a-z0-9]{6}) or a token, got "${which ?? ''}"`);
  const res = await api(creds, 'DELETE', `${SECRETS}/${bootstrapTokenSecretName(id)}`);
  if (res.status === 404) throw new Error(`bootstrap token "${id}" not found`);
  if (res.status !== 200) throw new Error(`token not deleted: ${failureText(res)}`);
  return `bootstrap token "${id}" deleted\n`;
}

/** Runs `token <sub> [arg]`; resolves with what to print. */
export async function tokenCommand(sub: string | undefined, arg: string | undefined, options: TokenCommandOptions): Promise<string> {
  const creds = readKubeconfig(options.kubeconfig ?? DEFAULT_ADMIN_KUBECONFIG);
  if (sub === 'create') return `${await create(creds, options)}\n`;
  if (sub === 'list') return list(creds, options);
  if (sub === 'delete') return remove(creds, arg);
  throw new Error(`unknown token command "${sub ?? ''}"; expected create, list or delete`);
}
