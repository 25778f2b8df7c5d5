/**
 * The csrapproving controller's decision (pkg/controller/certificates/approver/sarapprove.go):
 * a pending `kubernetes.io/kube-apiserver-client-kubelet` request for a node client
 * certificate is approved when its requester may `create` the subresource
 * `certificatesigningrequests/selfnodeclient` (renewing its own: the requester is the node the
 * certificate names) or `certificatesigningrequests/nodeclient` (a new node, for
 * system:bootstrappers), as a SubjectAccessReview of the spec's user and groups answers.
 * Anything else waits for a person (`kubectl certificate approve`).
 */
import { type CertificateSigningRequest, csrCondition, csrRequestPem, KUBELET_CLIENT_SIGNER } from '../../api/certificates-v1';
import { readCertificateRequest } from '../../api/certificate-request';
import { kubeletClientProblem } from './csr-signing-plan';

export type NodeClientSubresource = 'nodeclient' | 'selfnodeclient';

export const AUTO_APPROVED_REASON = 'AutoApproved';
export const AUTO_APPROVED_MESSAGE = 'Auto approving kubelet client certificate after SubjectAccessReview.';

export type ApprovalStep = { op: 'none' } | { op: 'approve' };

/** `mayCreate` answers the SubjectAccessReview for the request's user on one subresource. */
export function planCsrApproval(csr: CertificateSigningRequest, mayCreate: (subresource: NodeClientSubresource) => boolean): ApprovalStep {
  if (csr.spec.signerName !== KUBELET_CLIENT_SIGNER || csrCondition(csr, 'Approved') || csrCondition(csr, 'Denied')) return { op: 'none' };
  const subject = readCertificateRequest(csrRequestPem(csr));
  if ('error' in subject || kubeletClientProblem(subject) !== undefined) return { op: 'none' };
  const usages = [...(csr.spec.usages ?? [])].sort();
  const nodeClientUsages = usages.every((u) => ['client auth', 'digital signature', 'key encipherment'].includes(u)) && usages.includes('client auth');
  if (!nodeClientUsages) return { op: 'none' };
  const self = csr.spec.username === subject.commonName;
  if (self && mayCreate('selfnodeclient')) return { op: 'approve' };
  return mayCreate('nodeclient') ? { op: 'approve' } : { op: 'none' };
}
