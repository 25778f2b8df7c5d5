/**
 * Where the agent's identity comes from: certificate files named on the command line (issued
 * by `pikube-server issue-node-cert`), or the ones a join stored under `<state dir>/pki`
 * (ca.crt, node.crt, node.key 0600) — reused at every start while the node certificate names
 * this node and is still valid — or a new join with the bootstrap token when there are none.
 * A restart never needs the token again.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BootstrapToken } from '../../api/bootstrap-token';
import { writeFileAtomic } from '../atomic-file';
import { joinCluster, type NodeCredentials } from './node-join';

export interface JoinSettings {
  /** https://host:port of an API server (`--server`). */
  server: string;
  token?: BootstrapToken;
  caCertHash?: string;
}

function pkiFiles(stateDir: string): { ca: string; cert: string; key: string } {
  const dir = path.join(stateDir, 'pki');
  return { ca: path.join(dir, 'ca.crt'), cert: path.join(dir, 'node.crt'), key: path.join(dir, 'node.key') };
}

/** Why stored credentials cannot serve this node, or undefined when they can. */
export function storedProblem(creds: NodeCredentials, nodeName: string, now: Date): string | undefined {
  const cert = new X509Certificate(creds.certPem);
  if (!cert.subject.split('\n').includes(`CN=system:node:${nodeName}`)) return `it names ${cert.subject.replace(/\n/g, ', ')}, not system:node:${nodeName}`;
  if (new Date(cert.validTo) <= now) return `it expired at ${cert.validTo}`;
  return cert.checkIssued(new X509Certificate(creds.caPem)) ? undefined : 'it was not issued by the stored CA';
}

export function readStoredCredentials(stateDir: string): NodeCredentials | undefined {
  const files = pkiFiles(stateDir);
  if (![files.ca, files.cert, files.key].every((f) => existsSync(f))) return undefined;
  return { caPem: readFileSync(files.ca, 'utf8'), certPem: readFileSync(files.cert, 'utf8'), keyPem: readFileSync(files.key, 'utf8') };
}

export function storeCredentials(stateDir: string, creds: NodeCredentials): void {
  const files = pkiFiles(stateDir);
  writeFileAtomic(files.key, creds.keyPem, 0o600);
  writeFileAtomic(files.ca, creds.caPem, 0o644);
  writeFileAtomic(files.cert, creds.certPem, 0o644);
}

export interface CredentialRequest {
  stateDir: string;
  nodeName: string;
  join: JoinSettings;
  signal: AbortSignal;
  log(message: string): void;
}

/** The stored credentials when they still serve; otherwise a join with the token, stored for next time. */
export async function loadOrJoin(request: CredentialRequest): Promise<NodeCredentials> {
  const stored = readStoredCredentials(request.stateDir);
  const problem = stored && storedProblem(stored, request.nodeName, new Date());
  if (stored && !problem) return stored;
  const { token, caCertHash } = request.join;
  const why = stored ? `the stored node certificate cannot be used (${problem ?? ''})` : `no node certificate in ${path.join(request.stateDir, 'pki')}`;
  if (!token || !caCertHash) throw new Error(`${why}: --token and --ca-cert-hash are needed to join (pikube-server token create --print-join-command prints them)`);
  request.log(`${why}: joining ${request.join.server} with bootstrap token ${token.id}`);
  const creds = await joinCluster({ server: request.join.server, token, caCertHash, nodeName: request.nodeName, signal: request.signal, log: request.log });
  storeCredentials(request.stateDir, creds);
  request.log(`node certificate for system:node:${request.nodeName} stored in ${path.join(request.stateDir, 'pki')}`);
  return creds;
}
