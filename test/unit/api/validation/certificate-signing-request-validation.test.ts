import { strict as assert } from 'node:assert';
import { validateCertificateSigningRequest, validateCertificateSigningRequestUpdate } from '../../../../api/validation/certificate-signing-request-validation';
import { aCsr, APPROVED, NODE_SUBJECT } from '../../../support/csr-builder';

function messages(causes: { field?: string; message?: string }[]): string[] {
  return causes.map((c) => `${c.field ?? ''}: ${c.message ?? ''}`);
}

describe('CertificateSigningRequest validation', () => {
  it('accepts a signed node client request', () => {
    assert.deepEqual(validateCertificateSigningRequest(aCsr(NODE_SUBJECT)), []);
  });

  it('refuses what the apiserver refuses, with its words', () => {
    const cases: [string, ReturnType<typeof aCsr>, string][] = [
      ['not PEM', aCsr(NODE_SUBJECT, { request: Buffer.from('hello').toString('base64') }), 'spec.request: Invalid value: PEM block type must be CERTIFICATE REQUEST'],
      ['no usages', aCsr(NODE_SUBJECT, { usages: [] }), 'spec.usages: Required value'],
      ['unknown usage', aCsr(NODE_SUBJECT, { usages: ['flying'] }), 'spec.usages[0]: Unsupported value: "flying"'],
      ['repeated usage', aCsr(NODE_SUBJECT, { usages: ['client auth', 'client auth'] }), 'spec.usages[1]: Duplicate value: "client auth"'],
      ['no signer', aCsr(NODE_SUBJECT, { signerName: '' }), 'spec.signerName: Required value'],
      ['signer without path', aCsr(NODE_SUBJECT, { signerName: 'example.com' }), 'spec.signerName: Invalid value: "example.com": must be a fully qualified domain and path'],
      ['short duration', aCsr(NODE_SUBJECT, { expirationSeconds: 599 }), 'spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)'],
      ['approved and denied', aCsr(NODE_SUBJECT, {}, { conditions: [{ type: 'Approved', status: 'True' }, { type: 'Denied', status: 'True' }] }),
        'status.conditions[1].type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive'],
      ['approved False', aCsr(NODE_SUBJECT, {}, { conditions: [{ type: 'Approved', status: 'False' }] }), 'status.conditions[0].status: Unsupported value: "False": supported values: "True"'],
    ];
    for (const [name, csr, expected] of cases) {
      const found = messages(validateCertificateSigningRequest(csr));
      assert.ok(found.some((m) => m.startsWith(expected)), `${name}: ${JSON.stringify(found)}`);
    }
  });

  it('refuses a request whose signature does not match its key', () => {
    const csr = aCsr(NODE_SUBJECT);
    const pem = Buffer.from(csr.spec.request, 'base64').toString('utf8');
    const body = pem.split('\n').filter((l) => !l.startsWith('-----')).join('');
    const der = Buffer.from(body, 'base64');
    der[der.length - 5] ^= 0xff; // the last bytes are the signature
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    const causes = messages(validateCertificateSigningRequest({ ...csr, spec: { ...csr.spec, request: Buffer.from(tampered).toString('base64') } }));
    assert.ok(causes.some((m) => m.startsWith('spec.request: Invalid value')), JSON.stringify(causes));
  });

  it('lets only the approval path add Approved, and only the status path set the certificate, once', () => {
    const pending = aCsr(NODE_SUBJECT);
    const approved = { ...pending, status: APPROVED };
    assert.deepEqual(messages(validateCertificateSigningRequestUpdate(approved, pending, 'status')), ['status.conditions: Forbidden: updates may not add a condition of type "Approved"']);
    assert.deepEqual(validateCertificateSigningRequestUpdate(approved, pending, 'approval'), []);
    assert.deepEqual(messages(validateCertificateSigningRequestUpdate(pending, approved, 'approval')), ['status.conditions: Forbidden: updates may not remove a condition of type "Approved"']);
    const cert = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');
    const issued = { ...approved, status: { ...APPROVED, certificate: cert } };
    assert.deepEqual(messages(validateCertificateSigningRequestUpdate(issued, approved, 'approval')), ['status.certificate: Forbidden: updates may not set certificate content']);
    assert.deepEqual(validateCertificateSigningRequestUpdate(issued, approved, 'status'), []);
    const other = { ...approved, status: { ...APPROVED, certificate: Buffer.from('-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n').toString('base64') } };
    assert.deepEqual(messages(validateCertificateSigningRequestUpdate(other, issued, 'status')), ['status.certificate: Forbidden: updates may not modify existing certificate content']);
  });
});
