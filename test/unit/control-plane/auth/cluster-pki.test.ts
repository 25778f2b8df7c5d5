import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { ADMIN_GROUP, ADMIN_USER, issueAdminCertificate, loadOrCreateClusterPki } from '../../../../control-plane/auth/cluster-pki';
import { renderKubeconfig } from '../../../../control-plane/auth/kubeconfig';
import { isIssuedBy } from '../../../../control-plane/auth/pki';

describe('cluster PKI', function () {
  this.timeout(20_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-pki-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a CA and a serving certificate for every name the API server is reached by', () => {
    const pki = loadOrCreateClusterPki(dir, '192.168.1.10');
    assert.ok(isIssuedBy(pki.serving.certPem, pki.ca.certPem));
    const san = new X509Certificate(pki.serving.certPem).subjectAltName ?? '';
    for (const name of ['DNS:localhost', 'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local',
      'IP Address:127.0.0.1', 'IP Address:192.168.1.10', 'IP Address:10.43.0.1']) {
      assert.ok(san.includes(name), `${name} missing from ${san}`);
    }
  });

  it('keeps private keys readable by the owner only', () => {
    loadOrCreateClusterPki(dir, '127.0.0.1');
    for (const key of ['ca.key', 'apiserver.key']) assert.equal(statSync(path.join(dir, 'pki', key)).mode & 0o777, 0o600, key);
  });

  it('reuses what it made, and reissues the serving certificate when the address changes', () => {
    const first = loadOrCreateClusterPki(dir, '127.0.0.1');
    const again = loadOrCreateClusterPki(dir, '127.0.0.1');
    assert.equal(again.ca.certPem, first.ca.certPem);
    assert.equal(again.serving.certPem, first.serving.certPem);
    const moved = loadOrCreateClusterPki(dir, '10.0.0.2');
    assert.equal(moved.ca.certPem, first.ca.certPem);
    assert.notEqual(moved.serving.certPem, first.serving.certPem);
    assert.ok((new X509Certificate(moved.serving.certPem).subjectAltName ?? '').includes('IP Address:10.0.0.2'));
  });

  it('issues the admin a client certificate in system:masters and writes a self-contained kubeconfig', () => {
    const pki = loadOrCreateClusterPki(dir, '127.0.0.1');
    const admin = issueAdminCertificate(pki.ca);
    const subject = new X509Certificate(admin.certPem).subject;
    assert.match(subject, new RegExp(`CN=${ADMIN_USER}`));
    assert.match(subject, new RegExp(`O=${ADMIN_GROUP}`));
    const config = parse(renderKubeconfig({ server: 'https://127.0.0.1:6443', caCertPem: pki.ca.certPem, client: admin })) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(config['current-context'], 'pikube');
    assert.equal(config.clusters[0].name, 'pikube');
    assert.equal(Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), pki.ca.certPem);
    assert.equal(Buffer.from(config.users[0].user['client-key-data'], 'base64').toString(), admin.keyPem);
    assert.deepEqual(config.contexts[0], { name: 'pikube', context: { cluster: 'pikube', user: 'pikube' } });
  });
});
