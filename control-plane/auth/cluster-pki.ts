/**
 * The control plane's own certificates, kept in `<dataDir>/pki`: the cluster CA, the API
 * server's serving certificate, and the admin client certificate behind the kubeconfig.
 * Loaded when present and still good, created otherwise. Private keys are written 0600.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createCertificateAuthority, isIssuedBy, issueCertificate, type KeyPair } from './pki';

export interface ClusterPki {
  ca: KeyPair;
  serving: KeyPair;
}

/** The first address of the default service CIDR 10.43.0.0/16: the `kubernetes` Service. */
export const DEFAULT_KUBERNETES_SERVICE_IP = '10.43.0.1';

/** Names the API server is reached by, in-cluster and out (kubeadm's set, k3s's service IP). */
export function servingNames(advertiseAddress: string, serviceIP = DEFAULT_KUBERNETES_SERVICE_IP): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];
  const ipAddresses = [...new Set(['127.0.0.1', advertiseAddress, serviceIP])];
  return { dnsNames, ipAddresses };
}

function pkiDir(dataDir: string): string {
  return path.join(dataDir, 'pki');
}

function readPair(dir: string, name: string): KeyPair | undefined {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  if (!existsSync(cert) || !existsSync(key)) return undefined;
  return { certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8') };
}

function writePair(dir: string, name: string, pair: KeyPair): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(dir, `${name}.crt`), pair.certPem, { mode: 0o644 });
  writeFileSync(path.join(dir, `${name}.key`), pair.keyPem, { mode: 0o600 });
}

/** Loads the CA from `<dataDir>/pki/ca.{crt,key}`, creating it on first start. */
export function loadOrCreateCertificateAuthority(dataDir: string): KeyPair {
  const dir = pkiDir(dataDir);
  const existing = readPair(dir, 'ca');
  if (existing) return existing;
  const ca = createCertificateAuthority('pikube-ca');
  writePair(dir, 'ca', ca);
  return ca;
}

/** A certificate is reused only if the CA signed it, it lives 30 more days and covers every name. */
function stillGood(pair: KeyPair, ca: KeyPair, names: { dnsNames: string[]; ipAddresses: string[] }): boolean {
  const cert = new X509Certificate(pair.certPem);
  const soon = new Date(Date.now() + 30 * 86400_000);
  if (!isIssuedBy(pair.certPem, ca.certPem) || new Date(cert.validTo) < soon) return false;
  const san = cert.subjectAltName ?? '';
  const wanted = [...names.dnsNames.map((n) => `DNS:${n}`), ...names.ipAddresses.map((ip) => `IP Address:${ip}`)];
  return wanted.every((entry) => san.split(', ').includes(entry));
}

/** Loads or (re)issues the serving certificate `<dataDir>/pki/apiserver.{crt,key}`. */
export function loadOrCreateServingCertificate(dataDir: string, ca: KeyPair, advertiseAddress: string): KeyPair {
  const dir = pkiDir(dataDir);
  const names = servingNames(advertiseAddress);
  const existing = readPair(dir, 'apiserver');
  if (existing && stillGood(existing, ca, names)) return existing;
  const serving = issueCertificate(ca, { commonName: 'kube-apiserver', ...names, usages: ['serverAuth'] });
  writePair(dir, 'apiserver', serving);
  return serving;
}

export function loadOrCreateClusterPki(dataDir: string, advertiseAddress: string): ClusterPki {
  const ca = loadOrCreateCertificateAuthority(dataDir);
  return { ca, serving: loadOrCreateServingCertificate(dataDir, ca, advertiseAddress) };
}

/** The cluster administrator: `system:masters` is the group Kubernetes' RBAC lets do anything. */
export const ADMIN_USER = 'pikube-admin';
export const ADMIN_GROUP = 'system:masters';

export function issueAdminCertificate(ca: KeyPair): KeyPair {
  return issueCertificate(ca, { commonName: ADMIN_USER, organizations: [ADMIN_GROUP], usages: ['clientAuth'] });
}

/** A user's client certificate: CN the user, O each group (what the x509 authenticator reads). */
export function issueUserCertificate(ca: KeyPair, user: string, groups: readonly string[]): KeyPair {
  if (user === '' || /[\x00-\x1f,=+"\\<>;]/.test(user)) throw new Error(`--user "${user}" must be a non-empty name without control characters or , = + " \\ < > ;`);
  for (const g of groups) if (/[\x00-\x1f,=+"\\<>;]/.test(g)) throw new Error(`--group "${g}" must not hold control characters or , = + " \\ < > ;`);
  return issueCertificate(ca, { commonName: user, organizations: [...groups], usages: ['clientAuth'] });
}
