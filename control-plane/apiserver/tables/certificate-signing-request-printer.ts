/**
 * `kubectl get csr` columns (printCertificateSigningRequest): NAME AGE SIGNERNAME REQUESTOR
 * REQUESTEDDURATION CONDITION; the condition is Denied, Approved or Pending, then `,Failed`
 * and `,Issued` (extractCSRStatus).
 */
import type { CertificateSigningRequest } from '../../../api/certificates-v1';
import type { KubeObject } from '../../../api/meta';
import { ageColumn, ageOf, column, nameColumn, nameOf } from './columns';
import { humanDuration } from './human-duration';
import type { Printer, TableCell } from './table';

export function csrConditionText(csr: CertificateSigningRequest): string {
  const types = new Set((csr.status?.conditions ?? []).map((c) => c.type));
  let text = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) text += ',Failed';
  if (csr.status?.certificate) text += ',Issued';
  return text;
}

export const certificateSigningRequestPrinter: Printer = {
  columns: [
    nameColumn(),
    ageColumn(),
    column('SignerName', 'string', 'The name of the signer the request is for.'),
    column('Requestor', 'string', 'The user who created the request.'),
    column('RequestedDuration', 'string', 'The duration the certificate was requested to be valid for.'),
    column('Condition', 'string', 'Approved, Denied or Pending, then Failed and Issued.'),
  ],
  cells: (obj: KubeObject, now: Date): TableCell[] => {
    const csr = obj as CertificateSigningRequest;
    const seconds = csr.spec?.expirationSeconds;
    return [nameOf(obj), ageOf(obj, now), csr.spec?.signerName ?? '', csr.spec?.username ?? '', seconds === undefined ? '<none>' : humanDuration(seconds * 1000), csrConditionText(csr)];
  },
};
