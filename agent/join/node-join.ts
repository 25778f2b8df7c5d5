/**
 * TLS bootstrapping as the kubelet does it (k8s.io/client-go/util/certificate/csr): with the
 * CA trusted through discovery, make a key, submit a CertificateSigningRequest for
 * `system:node:<name>` (O system:nodes, signer kube-apiserver-client-kubelet) authenticated by
 * the bootstrap token, and wait until the control plane approves and signs it. A renewal is the
 * same request sent with the node's current certificate instead of the token.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { BootstrapToken } from '../../api/bootstrap-token';
import { createCertificateRequest } from '../../api/certificate-request';
import { type CertificateSigningRequest, csrCondition, KUBELET_CLIENT_SIGNER } from '../../api/certificates-v1';
import { failureText, httpsJson, type HttpsJsonResponse } from '../../base/https-json';
import { discoverCluster, DiscoveryRefused } from './cluster-discovery';

export interface NodeCredentials {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** What every step of asking for a node certificate needs. */
export interface CsrSteps {
  /** https://host:port of an API server. */
  server: string;
  nodeName: string;
  signal: AbortSignal;
  log(message: string): void;
  /** How often discovery and the request's state are looked at again (default 1 s). */
  pollMs?: number;
  /** How long each step may keep failing before giving up with its last error (default 5 min, kubeadm's discovery timeout). */
  stepTimeoutMs?: number;
}

export interface JoinRequest extends CsrSteps {
  token: BootstrapToken;
  /** `sha256:<hex>`, lower case. */
  caCertHash: string;
}

const DEFAULT_STEP_TIMEOUT_MS = 5 * 60_000;

const CSRS = '/apis/certificates.k8s.io/v1/certificatesigningrequests';

function tokenRefusal(res: HttpsJsonResponse): Error {
  if (res.status === 401) return new DiscoveryRefused('the API server refused the credential (401 Unauthorized): a bootstrap token that is wrong, expired or deleted (make a new one with "pikube-server token create"), or a node certificate it no longer accepts');
  return new DiscoveryRefused(`the certificate signing request was refused: ${failureText(res)}`);
}

async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  const { setTimeout: wait } = await import('node:timers/promises');
  await wait(ms, undefined, { signal });
}

/** Retries `attempt` until it succeeds or is refused for good; each failure is logged once per kind. */
async function retrying<T>(what: string, request: CsrSteps, attempt: () => Promise<T>): Promise<T> {
  let last = '';
  const timeoutMs = request.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    request.signal.throwIfAborted();
    if (Date.now() > deadline) throw new Error(`${what}: ${last} (gave up after ${Math.round(timeoutMs / 1000)} s)`);
    try {
      return await attempt();
    } catch (err: unknown) {
      if (err instanceof DiscoveryRefused || request.signal.aborted) throw err;
      const message = (err as Error).message;
      if (message !== last) request.log(`${what}: ${message} (retrying)`);
      last = message;
    }
    await sleep(request.pollMs ?? 1000, request.signal);
  }
}

function newNodeRequest(nodeName: string): { keyPem: string; csr: CertificateSigningRequest } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const pem = createCertificateRequest(keyPem, `system:node:${nodeName}`, ['system:nodes']);
  const csr: CertificateSigningRequest = {
    apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest',
    metadata: { name: `node-csr-${randomBytes(8).toString('hex')}` },
    spec: { request: Buffer.from(pem, 'utf8').toString('base64'), signerName: KUBELET_CLIENT_SIGNER, usages: ['digital signature', 'key encipherment', 'client auth'] },
  };
  return { keyPem, csr };
}

/** How a request proves who sends it: the bootstrap token (a join) or the node's current certificate (a renewal). */
type Caller = { caPem: string; bearerToken: string } | { caPem: string; certPem: string; keyPem: string };

async function submit(caller: Caller, request: CsrSteps, csr: CertificateSigningRequest): Promise<void> {
  const res = await httpsJson({ url: `${request.server}${CSRS}`, method: 'POST', body: csr, ...caller, signal: request.signal });
  if (res.status === 201 || res.status === 409) return;
  if (res.status >= 500) throw new Error(failureText(res));
  throw tokenRefusal(res);
}

/** The signed certificate once issued; undefined while pending; a refusal when denied or failed. */
async function issued(caller: Caller, request: CsrSteps, name: string): Promise<string> {
  const res = await httpsJson({ url: `${request.server}${CSRS}/${name}`, ...caller, signal: request.signal });
  if (res.status >= 500) throw new Error(failureText(res));
  if (res.status !== 200) throw tokenRefusal(res);
  const csr = res.body as CertificateSigningRequest;
  const refused = csrCondition(csr, 'Denied') ?? csrCondition(csr, 'Failed');
  if (refused) throw new DiscoveryRefused(`certificate signing request ${name} is ${refused.type}: ${refused.reason ?? ''} ${refused.message ?? ''}`.trim());
  if (!csr.status?.certificate) throw new Error(`certificate signing request ${name} is not approved and issued yet`);
  return Buffer.from(csr.status.certificate, 'base64').toString('utf8');
}

function tokenText(token: BootstrapToken): string {
  return `${token.id}.${token.secret}`;
}

/** A new key, its request sent as `caller`, the certificate once issued. */
async function requestNodeCertificate(caller: Caller, request: CsrSteps): Promise<NodeCredentials> {
  const { keyPem, csr } = newNodeRequest(request.nodeName);
  await retrying('certificate signing request', request, () => submit(caller, request, csr));
  const certPem = await retrying('waiting for the node certificate', request, () => issued(caller, request, csr.metadata.name ?? ''));
  return { caPem: caller.caPem, certPem, keyPem };
}

export async function joinCluster(request: JoinRequest): Promise<NodeCredentials> {
  const cluster = await retrying('cluster discovery', request, () => discoverCluster(request.server, request.token, request.caCertHash, request.signal));
  request.log(`cluster CA pinned (${request.caCertHash}); requesting the certificate of system:node:${request.nodeName}`);
  return requestNodeCertificate({ caPem: cluster.caPem, bearerToken: tokenText(request.token) }, request);
}

/**
 * A new key and certificate for the node, asked for with its current certificate (the kubelet's
 * client certificate rotation): approved through `certificatesigningrequests/selfnodeclient`.
 */
export async function renewNodeCertificate(request: CsrSteps & { current: NodeCredentials }): Promise<NodeCredentials> {
  return requestNodeCertificate({ caPem: request.current.caPem, certPem: request.current.certPem, keyPem: request.current.keyPem }, request);
}
