import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../../../../api/errors';
import type { KubeObject } from '../../../../api/meta';
import { createCertificateAuthority, issueCertificate, type KeyPair } from '../../../../control-plane/auth/pki';
import { EtcdStore, type EtcdStoreOptions } from '../../../../control-plane/store/etcd-store';
import { spawnDaemon, stopProcess } from '../../../../scripts/cluster/run-command';
import { until } from '../../../../scripts/cluster/wait-until';
import { freePort } from '../../../support/etcd-fixture';

interface TlsEtcd {
  endpoint: string;
  ca: KeyPair;
  client: KeyPair;
  pid: number;
  dir: string;
}

/** An etcd that serves https only to clients with a certificate from its CA. */
async function startTlsEtcd(): Promise<TlsEtcd> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-etcd-tls-'));
  const ca = createCertificateAuthority('etcd-ca');
  const server = issueCertificate(ca, { commonName: 'etcd', ipAddresses: ['127.0.0.1'], usages: ['serverAuth'] });
  const client = issueCertificate(ca, { commonName: 'pikube-control-plane', usages: ['clientAuth'] });
  const file = (name: string, content: string) => (writeFileSync(path.join(dir, name), content), path.join(dir, name));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const endpoint = `https://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const pid = spawnDaemon('etcd', [
    '--name', 'tls', '--data-dir', path.join(dir, 'data'),
    '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `tls=${peer}`,
    '--cert-file', file('server.crt', server.certPem), '--key-file', file('server.key', server.keyPem),
    '--trusted-ca-file', file('ca.crt', ca.certPem), '--client-cert-auth',
  ], path.join(dir, 'etcd.log'));
  return { endpoint, ca, client, pid, dir };
}

function optionsFor({ endpoint, ca, client }: TlsEtcd): EtcdStoreOptions {
  return { endpoints: [endpoint], tls: { ca: ca.certPem, cert: client.certPem, key: client.keyPem }, dialTimeoutMs: 2_000 };
}

describe('EtcdStore over TLS with client certificates', () => {
  let etcd: TlsEtcd | undefined;

  before(async function () {
    this.timeout(30_000);
    etcd = await startTlsEtcd();
    const ready = await until(() => EtcdStore.connect(optionsFor(etcd!)), { timeoutMs: 20_000, describe: () => `etcd at ${etcd?.endpoint} not ready` });
    await ready.close();
  });

  after(async () => {
    if (!etcd) return;
    await stopProcess(etcd.pid);
    rmSync(etcd.dir, { recursive: true, force: true });
  });

  it('reads and writes with the CA, certificate and key it was given', async () => {
    const store = await EtcdStore.connect(optionsFor(etcd!));
    try {
      const created = await store.create<KubeObject>('/tls/registry/core/namespaces/default', { metadata: { name: 'default' } });
      assert.equal((await store.get('/tls/registry/core/namespaces/default'))?.metadata.resourceVersion, created.metadata.resourceVersion);
    } finally {
      await store.close();
    }
  });

  it('is refused without a client certificate', async () => {
    const { endpoint, ca } = etcd!;
    const err = await EtcdStore.connect({ endpoints: [endpoint], tls: { ca: ca.certPem }, dialTimeoutMs: 2_000 }).then(
      (store) => store.close().then(() => assert.fail('connected without a client certificate')),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApiError && err.code === 'ServiceUnavailable', String(err));
  });
});
