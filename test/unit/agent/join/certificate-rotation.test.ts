import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { rotationDeadlineMs } from '../../../../agent/join/certificate-rotation';
import { issueNodeCertificate } from '../../../../control-plane/auth/node-certificate';
import { createCertificateAuthority } from '../../../../control-plane/auth/pki';

describe('node certificate rotation deadline', function () {
  this.timeout(60_000);
  it('falls between 70 % and 90 % of the certificate\'s life, as the kubelet\'s', () => {
    const node = issueNodeCertificate(createCertificateAuthority('test-ca'), 'pi3');
    const cert = new X509Certificate(node.certPem);
    const from = Date.parse(cert.validFrom);
    const life = Date.parse(cert.validTo) - from;
    assert.equal(rotationDeadlineMs(node.certPem, 0), from + life * 0.7);
    assert.equal(rotationDeadlineMs(node.certPem, 1), from + life * 0.9);
    assert.equal(rotationDeadlineMs(node.certPem, 0.5), from + life * 0.8);
  });
});
