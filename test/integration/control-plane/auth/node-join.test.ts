/**
 * Joining with a bootstrap token against a real `pikube-server serve` on a real etcd, with the
 * real kubectl: `pikube-server token create|list|delete`, the token authenticating as
 * system:bootstrap:<id> (and nothing more than asking for a certificate), expired and deleted
 * tokens refused, the agent's join (cluster-info discovery, CA pinning, its CSR auto-approved
 * and signed), a wrong CA hash refused, and `kubectl certificate approve|deny` for a user's CSR.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseBootstrapToken } from '../../../../api/bootstrap-token';
import { caCertHash } from '../../../../api/ca-cert-hash';
import { rotateNodeCertificate } from '../../../../agent/join/certificate-rotation';
import { readStoredCredentials } from '../../../../agent/join/node-credentials';
import { joinCluster, renewNodeCertificate, type NodeCredentials } from '../../../../agent/join/node-join';
import { issueAdminCertificate, loadOrCreateClusterPki, type ClusterPki } from '../../../../control-plane/auth/cluster-pki';
import { writeKubeconfig } from '../../../../control-plane/auth/kubeconfig';
import { runCommand } from '../../../../scripts/cluster/run-command';
import { until } from '../../../../scripts/cluster/wait-until';
import { aKey, aRequestPem } from '../../../support/csr-builder';
import { startControlPlaneReplica, type ControlPlaneReplica } from '../../../support/control-plane-process';
import { withEtcd } from '../../../support/etcd-fixture';

const SERVER_MAIN = path.join(__dirname, '../../../../control-plane/main.js');

describe('joining a node with a bootstrap token (real control plane, real kubectl)', function () {
  this.timeout(90_000);
  const etcd = withEtcd();
  let dir = '';
  let pki: ClusterPki;
  let replica: ControlPlaneReplica | undefined;
  let kubeconfig = '';
  let server = '';

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-join-'));
    pki = loadOrCreateClusterPki(dir, '127.0.0.1');
    replica = await startControlPlaneReplica({ dataDir: dir, etcdEndpoint: etcd.get().endpoint, etcdPrefix: etcd.get().keySpace().prefix });
    await replica.process.waitForLog(/is now the leader/, 30_000);
    server = `https://127.0.0.1:${replica.apiPort}`;
    kubeconfig = path.join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfig, { server, caCertPem: pki.ca.certPem, client: issueAdminCertificate(pki.ca) });
    writeFileSync(path.join(dir, 'ca.crt'), pki.ca.certPem);
  });

  after(async function () {
    this.timeout(30_000);
    await replica?.process.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const kubectl = (args: string[]) => runCommand('/usr/bin/kubectl', [`--kubeconfig=${kubeconfig}`, `--cache-dir=${path.join(dir, 'kube-cache')}`, ...args], { allowFailure: true, timeoutMs: 20_000 });
  /** kubectl with only a bearer token: no client certificate. */
  const asToken = (token: string, args: string[]) => runCommand('/usr/bin/kubectl', [
    '--kubeconfig=/dev/null', `--server=${server}`, `--certificate-authority=${path.join(dir, 'ca.crt')}`, `--token=${token}`, `--cache-dir=${path.join(dir, 'kube-cache')}`, ...args,
  ], { allowFailure: true, timeoutMs: 20_000 });
  const ok = async (args: string[]): Promise<string> => {
    const r = await kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const tokenCmd = async (args: string[]): Promise<string> => {
    const r = await runCommand(process.execPath, [SERVER_MAIN, 'token', ...args, '--kubeconfig', kubeconfig], { allowFailure: true, timeoutMs: 20_000 });
    assert.equal(r.code, 0, `token ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const join = (token: string, hash: string, nodeName: string, stepTimeoutMs = 20_000) => {
    const parsed = parseBootstrapToken(token);
    assert.ok(parsed, token);
    return joinCluster({ server, token: parsed, caCertHash: hash, nodeName, signal: AbortSignal.timeout(60_000), log: () => undefined, pollMs: 200, stepTimeoutMs });
  };

  let token = '';
  let joined: NodeCredentials | undefined;

  it('creates, lists and prints the join command of bootstrap tokens', async () => {
    token = (await tokenCmd(['create', '--ttl', '1h', '--description', 'for pi9'])).trim();
    assert.match(token, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    const list = await tokenCmd(['list']);
    assert.match(list, /^TOKEN\s+TTL\s+EXPIRES\s+USAGES\s+DESCRIPTION\s+EXTRA GROUPS\n/);
    assert.match(list, new RegExp(`${token.replace('.', '\\.')}\\s+1h\\s+\\S+Z\\s+authentication,signing\\s+for pi9\\s+system:bootstrappers:kubeadm:default-node-token`));
    const command = (await tokenCmd(['create', '--print-join-command'])).trim();
    assert.match(command, new RegExp(`^pikube-agent --server ${server} --token [a-z0-9]{6}\\.[a-z0-9]{16} --ca-cert-hash ${caCertHash(pki.ca.certPem)}$`));
    const secret = await ok(['get', 'secret', '-n', 'kube-system', `bootstrap-token-${token.split('.')[0] ?? ''}`, '-o', 'jsonpath={.type}']);
    assert.equal(secret, 'bootstrap.kubernetes.io/token');
  });

  it('authenticates the token as system:bootstrap:<id>, allowed to ask for certificates and nothing else', async () => {
    const whoami = await asToken(token, ['auth', 'whoami']);
    assert.equal(whoami.code, 0, whoami.stderr);
    assert.match(whoami.stdout, new RegExp(`Username\\s+system:bootstrap:${token.split('.')[0] ?? ''}`));
    assert.match(whoami.stdout, /system:bootstrappers/);
    for (const [verb, resource, allowed] of [['create', 'certificatesigningrequests', 'yes'], ['list', 'certificatesigningrequests', 'yes'], ['list', 'pods', 'no'],
      ['get', 'secrets', 'no'], ['create', 'nodes', 'no'], ['approve', 'certificatesigningrequests', 'no']] as const) {
      const r = await asToken(token, ['auth', 'can-i', verb, resource, '-A']);
      assert.equal(r.stdout.trim(), allowed, `${verb} ${resource}: ${r.stdout}${r.stderr}`);
    }
    const pods = await asToken(token, ['get', 'pods', '-A']);
    assert.notEqual(pods.code, 0);
    assert.match(pods.stderr, /pods is forbidden: User "system:bootstrap:[a-z0-9]{6}" cannot list resource "pods"/);
  });

  it('refuses expired, deleted and wrong tokens with 401', async () => {
    const past = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await ok(['create', 'secret', 'generic', 'bootstrap-token-expire', '-n', 'kube-system', '--type=bootstrap.kubernetes.io/token',
      '--from-literal=token-id=expire', '--from-literal=token-secret=0123456789abcdef', `--from-literal=expiration=${past}`, '--from-literal=usage-bootstrap-authentication=true']);
    const expired = await asToken('expire.0123456789abcdef', ['auth', 'whoami']);
    assert.notEqual(expired.code, 0);
    assert.match(expired.stderr, /Unauthorized/);
    await until(async () => (await kubectl(['get', 'secret', '-n', 'kube-system', 'bootstrap-token-expire'])).code !== 0, { timeoutMs: 10_000, describe: () => 'the token cleaner did not delete the expired token' });
    const gone = (await tokenCmd(['create'])).trim();
    assert.equal((await asToken(gone, ['auth', 'whoami'])).code, 0);
    assert.match(await tokenCmd(['delete', gone]), /bootstrap token "[a-z0-9]{6}" deleted/);
    await until(async () => (await asToken(gone, ['auth', 'whoami'])).code !== 0, { timeoutMs: 5_000, describe: () => 'a deleted token still authenticates' });
    const wrong = await asToken(`${token.slice(0, 7)}xxxxxxxxxxxxxxxx`, ['auth', 'whoami']);
    assert.match(wrong.stderr, /Unauthorized/);
  });

  it('joins: cluster-info pinned by the CA hash, the node CSR auto-approved and signed for system:node:<name>', async () => {
    const creds = await join(token, caCertHash(pki.ca.certPem), 'pi9');
    joined = creds;
    assert.equal(creds.caPem, pki.ca.certPem);
    const cert = new X509Certificate(creds.certPem);
    assert.equal(cert.subject, 'O=system:nodes\nCN=system:node:pi9');
    assert.ok(cert.checkIssued(new X509Certificate(pki.ca.certPem)) && cert.verify(new X509Certificate(pki.ca.certPem).publicKey));
    assert.ok(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(creds.keyPem)), 'the certificate is for the key the agent made');
    const table = await ok(['get', 'csr']);
    assert.match(table, /^NAME\s+AGE\s+SIGNERNAME\s+REQUESTOR\s+REQUESTEDDURATION\s+CONDITION\n/);
    assert.match(table, new RegExp(`node-csr-\\w+\\s+\\S+\\s+kubernetes.io/kube-apiserver-client-kubelet\\s+system:bootstrap:${token.split('.')[0] ?? ''}\\s+<none>\\s+Approved,Issued`));
  });

  it('renews the node certificate with the current one, auto-approved as selfnodeclient', async () => {
    assert.ok(joined, 'the join test ran first');
    const renewed = await renewNodeCertificate({ server, nodeName: 'pi9', current: joined, signal: AbortSignal.timeout(60_000), log: () => undefined, pollMs: 200, stepTimeoutMs: 20_000 });
    assert.equal(new X509Certificate(renewed.certPem).subject, 'O=system:nodes\nCN=system:node:pi9');
    assert.notEqual(renewed.keyPem, joined.keyPem, 'a new key');
    assert.match(await ok(['get', 'csr']), /node-csr-\w+\s+\S+\s+kubernetes.io\/kube-apiserver-client-kubelet\s+system:node:pi9\s+<none>\s+Approved,Issued/);
    const other = await renewNodeCertificate({ server, nodeName: 'pi7', current: joined, signal: AbortSignal.timeout(60_000), log: () => undefined, pollMs: 200, stepTimeoutMs: 1_500 }).catch((err: Error) => err);
    assert.ok(other instanceof Error && /not approved and issued yet/.test(other.message), `pi9 may not get pi7's certificate: ${String(other)}`);
  });

  it('rotates: past the deadline the agent\'s loop renews, stores and hands over the new certificate', async () => {
    assert.ok(joined, 'the join test ran first');
    const stateDir = path.join(dir, 'pi9-state');
    const stop = new AbortController();
    const handed: NodeCredentials[] = [];
    const yearLater = Date.now() + 366 * 86400_000;
    await rotateNodeCertificate({
      server, stateDir, nodeName: 'pi9', current: joined, random: () => 0, signal: stop.signal, log: () => undefined,
      clock: { now: () => yearLater, sleep: async () => undefined },
      onRenewed: (creds) => {
        handed.push(creds);
        stop.abort();
      },
    });
    assert.equal(handed.length, 1);
    assert.deepEqual(readStoredCredentials(stateDir), handed[0]);
    assert.equal(statSync(path.join(stateDir, 'pki', 'node.key')).mode & 0o777, 0o600);
  });

  it('refuses a server whose CA does not match --ca-cert-hash, and a token the cluster does not know', async () => {
    await assert.rejects(join(token, `sha256:${'0'.repeat(64)}`, 'pi8'), /cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "sha256:[0-9a-f]{64}" are pinned/);
    await assert.rejects(join('zzzzzz.0123456789abcdef', caCertHash(pki.ca.certPem), 'pi8', 2_000), /there is no JWS signed token in the cluster-info ConfigMap. This token id "zzzzzz" is invalid/);
  });

  it('lets kubectl certificate approve and deny a user\'s request for a kube-apiserver-client certificate', async () => {
    const key = aKey();
    const manifest = (name: string, cn: string) => JSON.stringify({
      apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name },
      spec: { request: Buffer.from(aRequestPem({ commonName: cn, organizations: ['devs'] }, key)).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], expirationSeconds: 86400,
        username: 'someone-else' },
    });
    await runCommand('/usr/bin/kubectl', [`--kubeconfig=${kubeconfig}`, 'apply', '-f', '-'], { input: manifest('alice', 'alice'), timeoutMs: 20_000 });
    await runCommand('/usr/bin/kubectl', [`--kubeconfig=${kubeconfig}`, 'create', '-f', '-'], { input: manifest('mallory', 'mallory'), timeoutMs: 20_000 });
    assert.match(await ok(['get', 'csr', 'alice']), /alice\s+\S+\s+kubernetes.io\/kube-apiserver-client\s+pikube-admin\s+24h\s+Pending/);
    await runCommand('/usr/bin/kubectl', [`--kubeconfig=${kubeconfig}`, 'apply', '--server-side', '-f', '-'], { input: manifest('trudy', 'trudy'), timeoutMs: 20_000 });
    assert.equal(await ok(['get', 'csr', 'trudy', '-o', 'jsonpath={.spec.username}']), 'pikube-admin', 'a server-side apply records its requester too');
    assert.match(await ok(['certificate', 'approve', 'alice']), /certificatesigningrequest.certificates.k8s.io\/alice approved/);
    assert.match(await ok(['certificate', 'deny', 'mallory']), /certificatesigningrequest.certificates.k8s.io\/mallory denied/);
    const issued = await until(async () => (await kubectl(['get', 'csr', 'alice', '-o', 'jsonpath={.status.certificate}'])).stdout || undefined, { timeoutMs: 10_000, describe: () => 'alice was not issued' });
    const cert = new X509Certificate(Buffer.from(issued, 'base64').toString('utf8'));
    assert.equal(cert.subject, 'O=devs\nCN=alice');
    assert.match(await ok(['get', 'csr']), /mallory\s+.*\s+Denied\n/);
    const conditions = JSON.parse(await ok(['get', 'csr', 'alice', '-o', 'jsonpath={.status.conditions}'])) as { type: string; reason: string; lastUpdateTime?: string }[];
    assert.equal(conditions[0]?.type, 'Approved');
    assert.equal(conditions[0]?.reason, 'KubectlApprove');
    assert.ok(conditions[0]?.lastUpdateTime);
  });
});
