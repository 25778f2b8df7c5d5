/**
 * CertificateSigningRequests (pkg/registry/certificates/certificates, certificates.k8s.io/v1):
 * cluster-scoped; the requester's name, uid and groups are written into the spec at create (a
 * client cannot claim to be someone else), status starts empty, and the spec never changes
 * after. `/approval` (kubectl certificate approve|deny) alone adds Approved/Denied conditions;
 * `/status` (the signer) alone sets the certificate, once.
 */
import { type CertificateSigningRequest, type CertificateSigningRequestCondition } from '../../../api/certificates-v1';
import { invalid } from '../../../api/errors';
import {
  type CsrUpdatePath, validateCertificateSigningRequest, validateCertificateSigningRequestUpdate,
} from '../../../api/validation/certificate-signing-request-validation';
import { certificateSigningRequestPrinter } from '../../apiserver/tables/certificate-signing-request-printer';
import { defaultStrategy, SPEC_STATUS_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';
import { STATUS, type ParentWriteSubresource } from '../subresource';

const base = defaultStrategy<CertificateSigningRequest>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

/** Conditions without times get `now` (populateConditionTimestamps). */
function stampConditions(conditions: CertificateSigningRequestCondition[] | undefined, now: Date): void {
  const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const c of conditions ?? []) {
    c.lastUpdateTime ??= at;
    c.lastTransitionTime ??= at;
  }
}

function checked(next: CertificateSigningRequest, old: CertificateSigningRequest, path: CsrUpdatePath): CertificateSigningRequest {
  const causes = validateCertificateSigningRequestUpdate(next, old, path);
  if (causes.length > 0) throw invalid('CertificateSigningRequest', next.metadata.name ?? '', causes, 'certificates.k8s.io');
  return next;
}

export const certificateSigningRequestStrategy: ResourceStrategy<CertificateSigningRequest> = {
  ...base,
  tracksGeneration: false,
  prepareForCreate: (csr) => {
    csr.status = {};
  },
  validate: (csr) => validateCertificateSigningRequest(csr),
  prepareForUpdate: (csr, old) => {
    csr.spec = structuredClone(old.spec);
    csr.status = structuredClone(old.status);
  },
  validateUpdate: (csr, old) => validateCertificateSigningRequestUpdate(csr, old, 'main'),
  prepareForStatusUpdate: (csr, old) => {
    const next = { ...structuredClone(old), status: csr.status };
    stampConditions(next.status?.conditions, new Date());
    return next;
  },
  validateStatusUpdate: (csr, old) => validateCertificateSigningRequestUpdate(csr, old, 'status'),
};

/** `PUT …/approval`: the body's conditions on the stored request; spec and certificate stay. */
const APPROVAL: ParentWriteSubresource<CertificateSigningRequest> = {
  type: 'write', verbs: ['get', 'patch', 'update'], answersStatus: false, finishesDeletion: false,
  validateBody: () => undefined,
  apply: (parent, decoded, ctx) => {
    // No `body` kind: the registry decoded it as a CertificateSigningRequest.
    const body = decoded as CertificateSigningRequest;
    const next = structuredClone(parent);
    next.metadata = { ...next.metadata, labels: body.metadata.labels, annotations: body.metadata.annotations };
    const conditions = structuredClone(body.status?.conditions ?? []);
    stampConditions(conditions, ctx.now);
    next.status = { ...next.status, conditions };
    return checked(next, parent, 'approval');
  },
};

export const CERTIFICATE_SIGNING_REQUESTS = defineKind<CertificateSigningRequest>({
  group: 'certificates.k8s.io', version: 'v1', resource: 'certificatesigningrequests', singularName: 'certificatesigningrequest',
  kind: 'CertificateSigningRequest', listKind: 'CertificateSigningRequestList', namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['csr'],
  strategy: certificateSigningRequestStrategy,
  printer: certificateSigningRequestPrinter,
  subresources: { status: STATUS, approval: APPROVAL },
  fromRequester: (csr, requester) => {
    csr.spec.username = requester.user.name;
    if (requester.user.uid) csr.spec.uid = requester.user.uid;
    else delete csr.spec.uid;
    csr.spec.groups = [...requester.user.groups];
    delete csr.spec.extra;
  },
});
