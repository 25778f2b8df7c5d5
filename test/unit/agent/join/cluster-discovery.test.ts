import assert from 'node:assert/strict';
import { caCertHash } from '../../../../api/ca-cert-hash';
import { detachedSignature } from '../../../../api/detached-jws';
import { checkClusterInfo, DiscoveryRefused } from '../../../../agent/join/cluster-discovery';
import { storedProblem } from '../../../../agent/join/node-credentials';
import { clusterInfoKubeconfig } from '../../../../control-plane/auth/cluster-info';
import { issueNodeCertificate } from '../../../../control-plane/auth/node-certificate';
import { createCertificateAuthority, type KeyPair } from '../../../../control-plane/auth/pki';

const TOKEN = { id: 'abcdef', secret: '0123456789abcdef' };

describe('cluster discovery (cluster-info, JWS, CA pinning) and stored node credentials', function () {
  this.timeout(60_000); // RSA keys on a busy machine
  let ca: KeyPair;
  let kubeconfig: string;

  before(() => {
    ca = createCertificateAuthority('test-ca');
    kubeconfig = clusterInfoKubeconfig('https://10.0.0.1:6443', ca.certPem);
  });

  it('trusts the CA of a document signed with the token whose key hash is pinned', () => {
    const data = { kubeconfig, 'jws-kubeconfig-abcdef': detachedSignature(kubeconfig, TOKEN) };
    assert.deepEqual(checkClusterInfo(data, TOKEN, caCertHash(ca.certPem)), { caPem: ca.certPem, server: 'https://10.0.0.1:6443' });
  });

  it('refuses a CA that is not pinned, for good', () => {
    const data = { kubeconfig, 'jws-kubeconfig-abcdef': detachedSignature(kubeconfig, TOKEN) };
    assert.throws(() => checkClusterInfo(data, TOKEN, `sha256:${'0'.repeat(64)}`), (err: unknown) =>
      err instanceof DiscoveryRefused && /none of the public keys "sha256:[0-9a-f]{64}" are pinned \(--ca-cert-hash sha256:0{64}\)/.test(err.message));
  });

  it('refuses a document signed with another secret, and waits (a retryable error) while the token has no signature', () => {
    const forged = { kubeconfig, 'jws-kubeconfig-abcdef': detachedSignature(kubeconfig, { ...TOKEN, secret: 'ffffffffffffffff' }) };
    assert.throws(() => checkClusterInfo(forged, TOKEN, caCertHash(ca.certPem)), (err: unknown) => err instanceof DiscoveryRefused && /failed to verify JWS signature/.test(err.message));
    assert.throws(() => checkClusterInfo({ kubeconfig }, TOKEN, caCertHash(ca.certPem)), (err: unknown) => !(err instanceof DiscoveryRefused) && /no JWS signed token/.test((err as Error).message));
  });

  it('reuses stored credentials only for this node, unexpired, from the stored CA', () => {
    const node = issueNodeCertificate(ca, 'pi3');
    const creds = { caPem: ca.certPem, certPem: node.certPem, keyPem: node.keyPem };
    assert.equal(storedProblem(creds, 'pi3', new Date()), undefined);
    assert.match(storedProblem(creds, 'pi4', new Date()) ?? '', /not system:node:pi4/);
    assert.match(storedProblem(creds, 'pi3', new Date(Date.now() + 400 * 86400_000)) ?? '', /expired/);
    assert.match(storedProblem({ ...creds, caPem: createCertificateAuthority('other').certPem }, 'pi3', new Date()) ?? '', /not issued by the stored CA/);
  });
});
