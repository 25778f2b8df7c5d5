import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { createCertificateAuthority, isIssuedBy, issueCertificate, serialNumberHex } from '../../../../control-plane/auth/pki';

describe('pki', () => {
  it('makes serial numbers positive and minimally encoded for any random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
      const hex = serialNumberHex(Buffer.from(bytes));
      const first = parseInt(hex.slice(0, 2), 16);
      return hex.length === 32 && first >= 0x01 && first <= 0x7f;
    }));
  });

  it('issues certificates that Node parses and that chain to the CA, over many serials', function () {
    this.timeout(60_000);
    const ca = createCertificateAuthority('test-ca');
    for (let i = 0; i < 20; i++) {
      const pair = issueCertificate(ca, { commonName: `n${i}`, usages: ['clientAuth'] });
      assert.ok(new X509Certificate(pair.certPem).serialNumber.length > 0);
      assert.ok(isIssuedBy(pair.certPem, ca.certPem));
    }
  });
});
