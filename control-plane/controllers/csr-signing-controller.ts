/**
 * `csrsigning` wiring (decision in csr-signing-plan.ts): the key is a request's name, enqueued
 * on every change. An approved request for one of the cluster CA's signers gets its certificate
 * (or a Failed condition) through `…/status`, a compare-and-swap on the cached resourceVersion.
 * Without the CA's key in the context it signs nothing.
 */
import type { CertificateSigningRequest } from '../../api/certificates-v1';
import { csrRequestPem } from '../../api/certificates-v1';
import { signCertificateRequest } from '../auth/pki';
import { unlessNotFound } from './framework/api-client';
import { changesOf, defineController } from './framework/define-controller';
import { planCsrSigning } from './csr-signing-plan';

export const CSRS = 'certificatesigningrequests.certificates.k8s.io';

function withStatus(csr: CertificateSigningRequest, status: NonNullable<CertificateSigningRequest['status']>): CertificateSigningRequest {
  return { ...structuredClone(csr), status };
}

export const csrSigningController = defineController({
  name: 'csrsigning',
  setup(ctx) {
    const csrs = ctx.informers.forResource<CertificateSigningRequest>(CSRS);
    const ca = ctx.clusterCA;
    if (!ca) ctx.log('csrsigning: no cluster CA key given; certificate signing requests are not signed');
    return {
      watches: ca ? [changesOf(csrs, (csr, _old, type) => (type === 'DELETED' ? [] : [csr.metadata.name ?? '']))] : [],
      async reconcile(name) {
        const csr = csrs.get(name);
        if (!csr || !ca) return {};
        const step = planCsrSigning(csr);
        if (step.op === 'none') return {};
        const status = structuredClone(csr.status ?? {});
        if (step.op === 'fail') {
          status.conditions = [...(status.conditions ?? []), { type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: step.message }];
        } else {
          const pem = signCertificateRequest(ca, csrRequestPem(csr), { commonName: step.commonName, organizations: step.organizations, usages: ['clientAuth'], validityMs: step.validityMs });
          status.certificate = Buffer.from(pem, 'utf8').toString('base64');
        }
        await ctx.client.updateStatus(CSRS, undefined, name, withStatus(csr, status)).catch(unlessNotFound);
        return {};
      },
    };
  },
});
