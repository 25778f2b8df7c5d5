/**
 * CertificateSigningRequest validation (pkg/apis/certificates/validation 1.32): the request is
 * a signed PKCS#10 `CERTIFICATE REQUEST`; usages are given, known and not repeated; the signer
 * name is `<domain>/<path>`; `expirationSeconds` is at least 600; Approved/Denied/Failed are
 * True-only, Approved and Denied exclude each other, no condition type repeats. Updates never
 * remove a condition; only the approval subresource changes Approved/Denied, only the status
 * subresource sets the certificate, once.
 */
import forge from 'node-forge';
import { type CertificateSigningRequest, type CertificateSigningRequestCondition, csrRequestPem } from '../certificates-v1';
import { semanticEqual } from '../semantic-equality';
import { duplicate, forbidden, invalid, invalidOmitValue, notSupported, required, type FieldCause } from './field-errors';
import { isDNS1123Subdomain } from './names';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta';

export const KEY_USAGES = [
  'signing', 'digital signature', 'content commitment', 'key encipherment', 'key agreement', 'data encipherment', 'cert sign', 'crl sign',
  'encipher only', 'decipher only', 'any', 'server auth', 'client auth', 'code signing', 'email protection', 's/mime', 'ipsec end system',
  'ipsec tunnel', 'ipsec user', 'timestamping', 'ocsp signing', 'microsoft sgc', 'netscape sgc',
].sort();

const TRUE_ONLY = new Set(['Approved', 'Denied', 'Failed']);

/** What is wrong with the PEM request, or undefined: one CERTIFICATE REQUEST block whose signature holds (RSA keys checked; others parsed). */
export function csrProblem(pem: string): string | undefined {
  const block = /-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (!block) return 'PEM block type must be CERTIFICATE REQUEST';
  if (block[1] !== 'CERTIFICATE REQUEST') return 'PEM block type must be CERTIFICATE REQUEST';
  try {
    const asn1 = forge.asn1.fromDer(forge.util.decode64((block[2] ?? '').replace(/\s+/g, '')));
    if (!isRsaRequest(asn1)) return undefined;
    const csr = forge.pki.certificationRequestFromAsn1(asn1);
    return csr.verify() ? undefined : 'x509: ECDSA verification failure';
  } catch (err: unknown) {
    return `asn1: ${(err as Error).message}`;
  }
}

/** The SubjectPublicKeyInfo's algorithm is rsaEncryption (node-forge reads only RSA keys). */
function isRsaRequest(asn1: forge.asn1.Asn1): boolean {
  const info = (asn1.value as forge.asn1.Asn1[])[0];
  const spki = (info?.value as forge.asn1.Asn1[] | undefined)?.[2];
  const algorithm = ((spki?.value as forge.asn1.Asn1[] | undefined)?.[0]?.value as forge.asn1.Asn1[] | undefined)?.[0];
  return algorithm !== undefined && forge.asn1.derToOid(algorithm.value as string) === forge.pki.oids.rsaEncryption;
}

function validateSignerName(name: string): FieldCause[] {
  const path = 'spec.signerName';
  if (!name) return [required(path, '')];
  const parts = name.split('/');
  if (parts.length < 2 || parts[0] === '' || parts.slice(1).join('/') === '') {
    return [invalid(path, name, 'must be a fully qualified domain and path of the form \'example.com/signer-name\'')];
  }
  return isDNS1123Subdomain(parts[0] ?? '').map((m) => invalid(path, name, m));
}

function validateUsages(usages: readonly string[] | undefined): FieldCause[] {
  if (!usages || usages.length === 0) return [required('spec.usages', '')];
  const seen = new Set<string>();
  return usages.flatMap((u, i) => {
    const causes: FieldCause[] = [];
    if (!KEY_USAGES.includes(u)) causes.push(notSupported(`spec.usages[${i}]`, u, KEY_USAGES));
    if (seen.has(u)) causes.push(duplicate(`spec.usages[${i}]`, u));
    seen.add(u);
    return causes;
  });
}

function validateConditions(conditions: readonly CertificateSigningRequestCondition[]): FieldCause[] {
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  return conditions.flatMap((c, i) => {
    const path = `status.conditions[${i}]`;
    const causes: FieldCause[] = [];
    if (!c.type) causes.push(required(`${path}.type`, ''));
    const allowed = TRUE_ONLY.has(c.type) ? ['True'] : ['False', 'True', 'Unknown'];
    if (!c.status) causes.push(required(`${path}.status`, ''));
    else if (!allowed.includes(c.status)) causes.push(notSupported(`${path}.status`, c.status, allowed));
    if ((c.type === 'Approved' && denied) || (c.type === 'Denied' && approved)) causes.push(invalid(`${path}.type`, c.type, 'Approved and Denied conditions are mutually exclusive'));
    approved ||= c.type === 'Approved';
    denied ||= c.type === 'Denied';
    if (seen.has(c.type)) causes.push(duplicate(`${path}.type`, c.type));
    seen.add(c.type);
    return causes;
  });
}

function certificateProblem(b64: string | undefined): string | undefined {
  if (!b64) return undefined;
  const pem = Buffer.from(b64, 'base64').toString('utf8');
  const blocks = [...pem.matchAll(/-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----/g)];
  if (blocks.length === 0) return 'must contain at least one CERTIFICATE PEM block';
  const other = blocks.find((b) => b[1] !== 'CERTIFICATE');
  return other ? `only CERTIFICATE PEM blocks are allowed, found "${other[1] ?? ''}"` : undefined;
}

export function validateCertificateSigningRequest(csr: CertificateSigningRequest): FieldCause[] {
  const causes = validateObjectMeta(csr.metadata, false, () => []);
  const problem = csrProblem(csrRequestPem(csr));
  if (problem) causes.push(invalidOmitValue('spec.request', problem));
  causes.push(...validateUsages(csr.spec.usages));
  causes.push(...validateSignerName(csr.spec.signerName ?? ''));
  const seconds = csr.spec.expirationSeconds;
  if (seconds !== undefined && seconds < 600) causes.push(invalid('spec.expirationSeconds', seconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  causes.push(...validateConditions(csr.status?.conditions ?? []));
  const certificate = certificateProblem(csr.status?.certificate);
  if (certificate) causes.push(invalid('status.certificate', '<certificate data>', certificate));
  return causes;
}

/** Which update path: the main resource, `/status` (may set the certificate) or `/approval` (may set Approved/Denied). */
export type CsrUpdatePath = 'main' | 'status' | 'approval';

function ofType(csr: CertificateSigningRequest, type: string): CertificateSigningRequestCondition[] {
  return (csr.status?.conditions ?? []).filter((c) => c.type === type);
}

export function validateCertificateSigningRequestUpdate(next: CertificateSigningRequest, old: CertificateSigningRequest, path: CsrUpdatePath): FieldCause[] {
  const causes = [...validateCertificateSigningRequest(next), ...validateObjectMetaUpdate(next.metadata, old.metadata)];
  for (const type of ['Approved', 'Denied', 'Failed']) {
    if (ofType(next, type).length < ofType(old, type).length) causes.push(forbidden('status.conditions', `updates may not remove a condition of type "${type}"`));
  }
  if (path !== 'approval') {
    for (const type of ['Approved', 'Denied']) {
      const before = ofType(old, type);
      const after = ofType(next, type);
      if (after.length > before.length) causes.push(forbidden('status.conditions', `updates may not add a condition of type "${type}"`));
      else if (after.length === before.length && !semanticEqual(before, after)) causes.push(forbidden('status.conditions', `updates may not modify a condition of type "${type}"`));
    }
  }
  if ((next.status?.certificate ?? '') !== (old.status?.certificate ?? '')) {
    if (path !== 'status') causes.push(forbidden('status.certificate', 'updates may not set certificate content'));
    else if (old.status?.certificate) causes.push(forbidden('status.certificate', 'updates may not modify existing certificate content'));
  }
  return causes;
}
