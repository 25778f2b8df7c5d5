/**
 * `csrapproving` wiring (decision in csr-approving-plan.ts): the key is a request's name. A
 * pending node client request is approved through `…/approval` when the SubjectAccessReview of
 * its requester (spec.username, groups) on `certificatesigningrequests/nodeclient` or
 * `/selfnodeclient` allows it. Without an authorizer in the context nothing is auto-approved.
 */
import type { CertificateSigningRequest } from '../../api/certificates-v1';
import { AUTHENTICATED_GROUP } from '../auth/authenticator';
import { isAllowed, type Authorizer } from '../auth/authorizer';
import { unlessNotFound } from './framework/api-client';
import { changesOf, defineController } from './framework/define-controller';
import { AUTO_APPROVED_MESSAGE, AUTO_APPROVED_REASON, type NodeClientSubresource, planCsrApproval } from './csr-approving-plan';
import { CSRS } from './csr-signing-controller';

/** The SubjectAccessReview the approver asks: may the request's user create this subresource? */
export function mayCreateSubresource(authorizer: Authorizer, csr: CertificateSigningRequest): (subresource: NodeClientSubresource) => boolean {
  const user = { name: csr.spec.username ?? '', groups: [...new Set([...(csr.spec.groups ?? []), AUTHENTICATED_GROUP])], uid: csr.spec.uid };
  return (subresource) => isAllowed(authorizer, {
    user, verb: 'create', resourceRequest: true, path: '', apiGroup: 'certificates.k8s.io', apiVersion: '*',
    resource: 'certificatesigningrequests', subresource, namespace: '', name: '',
  });
}

export const csrApprovingController = defineController({
  name: 'csrapproving',
  setup(ctx) {
    const csrs = ctx.informers.forResource<CertificateSigningRequest>(CSRS);
    const authorizer = ctx.authorizer;
    if (!authorizer) ctx.log('csrapproving: no authorizer given; node certificate requests wait for kubectl certificate approve');
    return {
      watches: authorizer ? [changesOf(csrs, (csr, _old, type) => (type === 'DELETED' ? [] : [csr.metadata.name ?? '']))] : [],
      async reconcile(name) {
        const csr = csrs.get(name);
        if (!csr || !authorizer) return {};
        if (planCsrApproval(csr, mayCreateSubresource(authorizer, csr)).op === 'none') return {};
        const approved = structuredClone(csr);
        const condition = { type: 'Approved', status: 'True', reason: AUTO_APPROVED_REASON, message: AUTO_APPROVED_MESSAGE };
        approved.status = { ...approved.status, conditions: [...(approved.status?.conditions ?? []), condition] };
        await ctx.client.writeSubresource(CSRS, 'approval', undefined, name, approved).catch(unlessNotFound);
        return {};
      },
    };
  },
});
