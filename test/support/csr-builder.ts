/** Builders for certificate signing requests in tests: a real key and PKCS#10 request each. */
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import type { CertificateSigningRequest } from '../../api/certificates-v1';

export interface RequestSubject {
  commonName: string;
  organizations?: string[];
  dnsNames?: string[];
}

/** A fresh RSA key (PKCS#1 PEM); 1024 bits keep the tests quick. */
export function aKey(): string {
  return generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}

/** A PEM request for `subject`, signed by `keyPem`. */
export function aRequestPem(subject: RequestSubject, keyPem = aKey()): string {
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  csr.setSubject([...(subject.organizations ?? []).map((value) => ({ shortName: 'O', value })), { shortName: 'CN', value: subject.commonName }]);
  if (subject.dnsNames?.length) {
    csr.setAttributes([{ name: 'extensionRequest', extensions: [{ name: 'subjectAltName', altNames: subject.dnsNames.map((value) => ({ type: 2, value })) }] }]);
  }
  csr.sign(key, forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(csr);
}

/** A CertificateSigningRequest object around a request for `subject`. */
export function aCsr(subject: RequestSubject, spec: Partial<CertificateSigningRequest['spec']> = {}, status: CertificateSigningRequest['status'] = {}): CertificateSigningRequest {
  return {
    apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'csr-1', resourceVersion: '5' },
    spec: {
      request: Buffer.from(aRequestPem(subject)).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
      usages: ['digital signature', 'key encipherment', 'client auth'], ...spec,
    },
    status,
  };
}

export const NODE_SUBJECT: RequestSubject = { commonName: 'system:node:pi3', organizations: ['system:nodes'] };
export const APPROVED = { conditions: [{ type: 'Approved', status: 'True', reason: 'AutoApproved' }] };
