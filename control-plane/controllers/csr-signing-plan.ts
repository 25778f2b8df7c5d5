/**
 * The csrsigning controller's decision (pkg/controller/certificates/signer, Kubernetes 1.32)
 * for the signers the cluster CA serves: `kubernetes.io/kube-apiserver-client-kubelet` (a
 * node's client certificate: CN `system:node:<name>`, O exactly `system:nodes`, no
 * subjectAltNames, client-auth usages) and `kubernetes.io/kube-apiserver-client` (any user,
 * client-auth usages, but never the control-plane replicas' reserved subject: a deviation, as
 * Kubernetes keeps its front-proxy identity under a CA of its own). An approved request it cannot honour gets a Failed condition with
 * reason SignerValidationFailure; other signers' requests are left alone. The certificate
 * lives `expirationSeconds` (at least 10 minutes), at most the signing duration.
 */
import {
  APISERVER_CLIENT_SIGNER, type CertificateSigningRequest, csrCondition, csrRequestPem, KUBELET_CLIENT_SIGNER,
} from '../../api/certificates-v1';
import { readCertificateRequest, type RequestedSubject } from '../../api/certificate-request';
import { NODE_USER_PREFIX, NODES_GROUP } from '../auth/node-certificate';
import { isReplicaSubject, REPLICA_USER_PREFIX, REPLICAS_GROUP } from '../auth/replica-certificate';

/** kube-controller-manager's --cluster-signing-duration default: one year. */
export const SIGNING_DURATION_MS = 365 * 86400_000;
const MIN_DURATION_MS = 600_000;
const CLIENT_USAGES = ['client auth', 'digital signature', 'key encipherment'];

export type SigningStep =
  | { op: 'none' }
  | { op: 'fail'; message: string }
  | { op: 'sign'; commonName: string; organizations: string[]; validityMs: number };

function signs(signerName: string): boolean {
  return signerName === KUBELET_CLIENT_SIGNER || signerName === APISERVER_CLIENT_SIGNER;
}

/** Why the usages do not fit a client certificate, or undefined. */
function usageProblem(usages: readonly string[]): string | undefined {
  const bad = usages.filter((u) => !CLIENT_USAGES.includes(u));
  if (bad.length > 0) return `invalid usage for client certificate: ${bad[0] ?? ''}`;
  return usages.includes('client auth') ? undefined : 'missing required usages: client auth';
}

/** ValidateKubeletClientCSR's checks of the subject. */
export function kubeletClientProblem(subject: RequestedSubject): string | undefined {
  if (subject.organizations.length !== 1 || subject.organizations[0] !== NODES_GROUP) return `subject organization is not ${NODES_GROUP}`;
  if (!subject.commonName.startsWith(NODE_USER_PREFIX)) return `subject common name does not begin with ${NODE_USER_PREFIX}`;
  return subject.altNames.length > 0 ? 'subjectAltNames are not allowed' : undefined;
}

/** The replicas' own subject is never signed: with it, a certificate would pass for a control-plane replica (replica-certificate.ts). */
function reservedProblem(subject: RequestedSubject): string | undefined {
  if (!isReplicaSubject(subject.commonName, subject.organizations)) return undefined;
  return `subject common name ${REPLICA_USER_PREFIX}… and organization ${REPLICAS_GROUP} are reserved for control-plane replicas`;
}

function validityOf(csr: CertificateSigningRequest): number {
  const requested = csr.spec.expirationSeconds;
  if (requested === undefined) return SIGNING_DURATION_MS;
  return Math.min(SIGNING_DURATION_MS, Math.max(MIN_DURATION_MS, requested * 1000));
}

export function planCsrSigning(csr: CertificateSigningRequest): SigningStep {
  if (!signs(csr.spec.signerName) || !csrCondition(csr, 'Approved') || csrCondition(csr, 'Denied')) return { op: 'none' };
  if (csrCondition(csr, 'Failed') || csr.status?.certificate) return { op: 'none' };
  const subject = readCertificateRequest(csrRequestPem(csr));
  if ('error' in subject) return { op: 'fail', message: subject.error };
  const problem = usageProblem(csr.spec.usages ?? []) ?? reservedProblem(subject) ?? (csr.spec.signerName === KUBELET_CLIENT_SIGNER ? kubeletClientProblem(subject) : undefined);
  if (problem) return { op: 'fail', message: problem };
  return { op: 'sign', commonName: subject.commonName, organizations: subject.organizations, validityMs: validityOf(csr) };
}
