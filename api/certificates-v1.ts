/**
 * certificates.k8s.io/v1 CertificateSigningRequest: a PKCS#10 request (`spec.request`, PEM in
 * base64), the signer it is for, who asked (set by the API server from the requester), and
 * the outcome (Approved / Denied / Failed conditions, then `status.certificate`).
 * https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/
 */
import type { KubeObject } from './meta';

export const CERTIFICATES_GROUP = 'certificates.k8s.io';
/** Node client certificates (CN system:node:<name>, O system:nodes, client auth). */
export const KUBELET_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
/** Any client certificate the API server accepts (always needs a human's approval). */
export const APISERVER_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';

export type CsrConditionType = 'Approved' | 'Denied' | 'Failed';

export interface CertificateSigningRequestCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export interface CertificateSigningRequestSpec {
  /** base64 of the PEM `CERTIFICATE REQUEST`. */
  request: string;
  signerName: string;
  expirationSeconds?: number;
  usages?: string[];
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface CertificateSigningRequest extends KubeObject {
  spec: CertificateSigningRequestSpec;
  status?: { conditions?: CertificateSigningRequestCondition[]; certificate?: string };
}

export function csrCondition(csr: CertificateSigningRequest, type: CsrConditionType): CertificateSigningRequestCondition | undefined {
  return csr.status?.conditions?.find((c) => c.type === type);
}

/** The request's PEM text (spec.request is base64 of it). */
export function csrRequestPem(csr: CertificateSigningRequest): string {
  return Buffer.from(csr.spec.request ?? '', 'base64').toString('utf8');
}
