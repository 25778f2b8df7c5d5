/**
 * The cluster's certificate authority and the certificates it issues: the API server's
 * serving certificate, client certificates for users (CN = user, O = groups, as Kubernetes
 * reads them) and node certificates (CN = `system:node:<name>`, O = `system:nodes`).
 * Keys come from Node's own crypto; node-forge (pure JS) only builds and signs X.509.
 */
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

export interface KeyPair {
  certPem: string;
  keyPem: string;
}

export interface CertificateRequest {
  commonName: string;
  organizations?: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Extended key usages; a node certificate is both (it serves and it dials). */
  usages: ('serverAuth' | 'clientAuth')[];
  validityDays?: number;
  /** Overrides validityDays (a CSR's expirationSeconds). */
  validityMs?: number;
}

const DEFAULT_VALIDITY_DAYS = 365;
const CA_VALIDITY_DAYS = 3650;

function newKey(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.PrivateKey; keyPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), keyPem };
}

/**
 * A positive serial in minimal DER form: the first byte in 0x01–0x7f (top bit clear, so not
 * negative; non-zero, so no padding byte, which strict parsers reject as illegal padding).
 */
export function serialNumberHex(random: Buffer): string {
  const bytes = Buffer.from(random);
  bytes[0] = (bytes[0] & 0x7f) || 0x01;
  return bytes.toString('hex');
}

function baseCertificate(publicKey: forge.pki.PublicKey, validityMs: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialNumberHex(randomBytes(16));
  // Backdate an hour: a Pi without a clock battery may be slightly behind.
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + validityMs);
  return cert;
}

function subject(commonName: string, organizations: string[] = []): forge.pki.CertificateField[] {
  return [...organizations.map((o) => ({ shortName: 'O', value: o })), { shortName: 'CN', value: commonName }];
}

/** A new self-signed cluster CA. */
export function createCertificateAuthority(commonName = 'pikube-ca'): KeyPair {
  const key = newKey();
  const cert = baseCertificate(key.publicKey, CA_VALIDITY_DAYS * 86400_000);
  cert.setSubject(subject(commonName));
  cert.setIssuer(subject(commonName));
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key.privateKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.keyPem };
}

function altNames(req: CertificateRequest): { type: number; value?: string; ip?: string }[] {
  const dns = (req.dnsNames ?? []).map((value) => ({ type: 2, value }));
  const ips = (req.ipAddresses ?? []).map((ip) => ({ type: 7, ip }));
  return [...dns, ...ips];
}

/** Issues a certificate signed by `ca`, with a fresh key. */
export function issueCertificate(ca: KeyPair, req: CertificateRequest): KeyPair {
  const key = newKey();
  return { certPem: signPublicKey(ca, key.publicKey, req), keyPem: key.keyPem };
}

/** A certificate for the public key of a PKCS#10 request (RSA only: node-forge reads no other keys), signed by `ca`. */
export function signCertificateRequest(ca: KeyPair, csrPem: string, req: CertificateRequest): string {
  const csr = forge.pki.certificationRequestFromPem(csrPem);
  if (!csr.publicKey) throw new Error('the certificate request holds no public key');
  return signPublicKey(ca, csr.publicKey, req);
}

function signPublicKey(ca: KeyPair, publicKey: forge.pki.PublicKey, req: CertificateRequest): string {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const cert = baseCertificate(publicKey, req.validityMs ?? (req.validityDays ?? DEFAULT_VALIDITY_DAYS) * 86400_000);
  cert.setSubject(subject(req.commonName, req.organizations));
  cert.setIssuer(caCert.subject.attributes);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: req.usages.includes('serverAuth'), clientAuth: req.usages.includes('clientAuth') },
  ];
  const names = altNames(req);
  if (names.length > 0) extensions.push({ name: 'subjectAltName', altNames: names });
  cert.setExtensions(extensions);
  cert.sign(forge.pki.privateKeyFromPem(ca.keyPem) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** Whether `certPem` was signed by the CA and is valid now. */
export function isIssuedBy(certPem: string, caCertPem: string, now = new Date()): boolean {
  const cert = new X509Certificate(certPem);
  const ca = new X509Certificate(caCertPem);
  const inValidity = new Date(cert.validFrom) <= now && now <= new Date(cert.validTo);
  return inValidity && cert.checkIssued(ca) && cert.verify(ca.publicKey);
}
