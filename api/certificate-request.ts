/**
 * PKCS#10 requests as both sides need them: the agent makes one for its node key, the
 * control plane's approver and signer read who it names. node-forge (pure JavaScript) reads
 * and writes them; it knows RSA keys only, so a request for another key type is reported as
 * unreadable rather than misread.
 */
import forge from 'node-forge';

export interface RequestedSubject {
  commonName: string;
  organizations: string[];
  /** Every subjectAltName entry (DNS, IP, email, URI): a node client request must have none. */
  altNames: string[];
}

/** The subject and alternative names of a PEM request, or an error text when it cannot be read. */
export function readCertificateRequest(pem: string): RequestedSubject | { error: string } {
  try {
    const csr = forge.pki.certificationRequestFromPem(pem);
    const values = (short: string): string[] => csr.subject.attributes.filter((a) => a.shortName === short).map((a) => String(a.value));
    const ext = csr.getAttribute({ name: 'extensionRequest' }) as { extensions?: { name: string; altNames?: { value?: string; ip?: string }[] }[] } | null;
    const san = ext?.extensions?.find((e) => e.name === 'subjectAltName');
    const altNames = (san?.altNames ?? []).map((n) => n.ip ?? n.value ?? '');
    return { commonName: values('CN')[0] ?? '', organizations: values('O'), altNames };
  } catch (err: unknown) {
    return { error: `the certificate request cannot be read (only RSA keys are supported): ${(err as Error).message}` };
  }
}

/** A PEM request for `keyPem` (PKCS#1 or PKCS#8 RSA) with CN `commonName` and O each organization, signed with SHA-256. */
export function createCertificateRequest(keyPem: string, commonName: string, organizations: readonly string[]): string {
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  csr.setSubject([...organizations.map((o) => ({ shortName: 'O', value: o })), { shortName: 'CN', value: commonName }]);
  csr.sign(key, forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(csr);
}
