/**
 * ServiceAccounts against a real `pikube-server serve` on a real etcd, driven by the real
 * kubectl: the `default` account and the `kube-root-ca.crt` ConfigMap in every namespace,
 * `kubectl create serviceaccount`, `kubectl get sa`, `kubectl create token` (durations,
 * audiences, bound to a pod), the token authenticating API calls as the account until what it
 * is bound to goes, and the ServiceAccount admission of pods.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../../../api/core-v1';
import { issueAdminCertificate, loadOrCreateClusterPki, type ClusterPki } from '../../../../control-plane/auth/cluster-pki';
import { writeKubeconfig } from '../../../../control-plane/auth/kubeconfig';
import { runCommand } from '../../../../scripts/cluster/run-command';
import { until } from '../../../../scripts/cluster/wait-until';
import { httpsRequest, type HttpResult } from '../../../support/api-server-fixture';
import { startControlPlaneReplica, type ControlPlaneReplica } from '../../../support/control-plane-process';
import { withEtcd } from '../../../support/etcd-fixture';

describe('ServiceAccounts and their tokens (real control plane, real kubectl)', function () {
  this.timeout(60_000);
  const etcd = withEtcd();
  let dir = '';
  let pki: ClusterPki;
  let replica: ControlPlaneReplica | undefined;
  let flags: string[] = [];
  let prefix = '';

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-sa-'));
    pki = loadOrCreateClusterPki(dir, '127.0.0.1');
    prefix = etcd.get().keySpace().prefix;
    replica = await startControlPlaneReplica({ dataDir: dir, etcdEndpoint: etcd.get().endpoint, etcdPrefix: prefix });
    await replica.process.waitForLog(/is now the leader/, 30_000);
    const kubeconfig = path.join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfig, { server: `https://127.0.0.1:${replica.apiPort}`, caCertPem: pki.ca.certPem, client: issueAdminCertificate(pki.ca) });
    flags = [`--kubeconfig=${kubeconfig}`, `--cache-dir=${path.join(dir, 'kube-cache')}`];
  });

  after(async function () {
    this.timeout(30_000);
    await replica?.process.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const kubectl = (args: string[]) => runCommand('/usr/bin/kubectl', [...flags, ...args], { allowFailure: true, timeoutMs: 20_000 });
  const ok = async (args: string[]): Promise<string> => {
    const r = await kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  /** A request with only a bearer token: no client certificate. */
  const asToken = (token: string, p: string): Promise<HttpResult> =>
    httpsRequest(replica?.apiPort ?? 0, pki, { certPem: '', keyPem: '' }, 'GET', p, { authenticated: false, headers: { Authorization: `Bearer ${token}` } });

  it('keeps a default ServiceAccount and the kube-root-ca.crt ConfigMap in every namespace, new ones included', async () => {
    await ok(['create', 'namespace', 'team']);
    for (const ns of ['default', 'kube-system', 'kube-public', 'team']) {
      await until(async () => (await kubectl(['get', 'sa', 'default', '-n', ns])).code === 0, { timeoutMs: 10_000, describe: () => `no default ServiceAccount in ${ns}` });
      const ca = await until(async () => {
        const r = await kubectl(['get', 'configmap', 'kube-root-ca.crt', '-n', ns, '-o', 'jsonpath={.data.ca\\.crt}']);
        return r.code === 0 && r.stdout;
      }, { timeoutMs: 10_000, describe: () => `no kube-root-ca.crt in ${ns}` });
      assert.equal(ca, pki.ca.certPem);
    }
    await ok(['delete', 'sa', 'default', '-n', 'team']);
    await until(async () => (await kubectl(['get', 'sa', 'default', '-n', 'team'])).code === 0, { timeoutMs: 10_000, describe: () => 'default not recreated' });
    assert.equal(statSync(path.join(dir, 'pki', 'sa.key')).mode & 0o777, 0o600);
  });

  it('creates and lists ServiceAccounts as kubectl prints them', async () => {
    assert.match(await ok(['create', 'serviceaccount', 'robot', '-n', 'team']), /serviceaccount\/robot created/);
    const table = await ok(['get', 'sa', '-n', 'team']);
    assert.match(table, /^NAME\s+SECRETS\s+AGE\n/);
    assert.match(table, /\nrobot\s+0\s+\S+/);
  });

  it('issues tokens that authenticate as system:serviceaccount:NS:NAME until the account goes', async () => {
    const token = (await ok(['create', 'token', 'robot', '-n', 'team', '--duration', '15m'])).trim();
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    assert.equal(claims.sub, 'system:serviceaccount:team:robot');
    assert.equal(Number(claims.exp) - Number(claims.iat), 900);
    assert.equal((await asToken(token, '/api/v1/namespaces/team/pods')).status, 403, 'authenticated, but nothing grants it pods yet');
    await ok(['create', 'rolebinding', 'team-view', '--clusterrole=view', '--group=system:serviceaccounts:team', '-n', 'team']);
    await until(async () => (await asToken(token, '/api/v1/namespaces/team/pods')).status === 200, { timeoutMs: 5_000, describe: () => 'the RoleBinding is not honoured' });
    assert.equal((await asToken(`${token}x`, '/api/v1/namespaces/team/pods')).status, 401);
    const other = (await ok(['create', 'token', 'robot', '-n', 'team', '--audience', 'vault'])).trim();
    assert.equal((await asToken(other, '/api/v1/namespaces/team/pods')).status, 401, 'a token for another audience is not for the API');
    const short = await kubectl(['create', 'token', 'robot', '-n', 'team', '--duration', '1m']);
    assert.match(short.stderr, /spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes/);
    await ok(['create', 'serviceaccount', 'temp', '-n', 'team']);
    const temp = (await ok(['create', 'token', 'temp', '-n', 'team'])).trim();
    assert.equal((await asToken(temp, '/api/v1/namespaces/team/pods')).status, 200);
    await ok(['delete', 'sa', 'temp', '-n', 'team']);
    await until(async () => (await asToken(temp, '/api/v1/namespaces/team/pods')).status === 401, { timeoutMs: 5_000, describe: () => 'token still accepted' });
  });

  it('admits pods as their ServiceAccount, refusing an unknown one as Kubernetes does, and mounts the token volume', async () => {
    const refused = await kubectl(['run', 'ghostly', '-n', 'team', '--image=busybox', '--overrides={"spec":{"serviceAccountName":"ghost"}}']);
    assert.match(refused.stderr, /Error from server \(Forbidden\): pods "ghostly" is forbidden: error looking up service account team\/ghost: serviceaccount "ghost" not found/);
    await ok(['run', 'web', '-n', 'team', '--image=busybox', '--overrides={"spec":{"serviceAccountName":"robot"}}']);
    const pod = JSON.parse(await ok(['get', 'pod', 'web', '-n', 'team', '-o', 'json'])) as Pod;
    assert.equal(pod.spec.serviceAccountName, 'robot');
    const volume = (pod.spec.volumes ?? []).find((v) => v.name.startsWith('kube-api-access-'));
    assert.ok(volume, JSON.stringify(pod.spec.volumes));
    assert.deepEqual(pod.spec.containers[0]?.volumeMounts, [{ name: volume.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
    await ok(['run', 'plain', '-n', 'team', '--image=busybox']);
    assert.equal(await ok(['get', 'pod', 'plain', '-n', 'team', '-o', 'jsonpath={.spec.serviceAccountName}']), 'default');
  });

  it('binds a token to a pod: refused once the pod is deleted', async () => {
    const uid = await ok(['get', 'pod', 'web', '-n', 'team', '-o', 'jsonpath={.metadata.uid}']);
    const token = (await ok(['create', 'token', 'robot', '-n', 'team', '--bound-object-kind', 'Pod', '--bound-object-name', 'web'])).trim();
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { 'kubernetes.io': { pod: { uid: string } } };
    assert.equal(claims['kubernetes.io'].pod.uid, uid);
    assert.equal((await asToken(token, '/api/v1/namespaces/team/pods')).status, 200);
    const wrong = await kubectl(['create', 'token', 'default', '-n', 'team', '--bound-object-kind', 'Pod', '--bound-object-name', 'web']);
    assert.match(wrong.stderr, /cannot bind token for serviceaccount "default" to pod running with different serviceaccount name/);
    await ok(['delete', 'pod', 'web', '-n', 'team', '--wait=true']);
    await until(async () => (await asToken(token, '/api/v1/namespaces/team/pods')).status === 401, { timeoutMs: 5_000, describe: () => 'token still accepted' });
  });

  it('keeps the signing key across restarts: a token outlives the process that signed it', async () => {
    const token = (await ok(['create', 'token', 'robot', '-n', 'team'])).trim();
    const keyBefore = readFileSync(path.join(dir, 'pki', 'sa.key'), 'utf8');
    const port = String(replica?.apiPort ?? 0);
    await replica?.process.stop();
    // On the same API port, so the kubeconfig still names it.
    replica = { ...(await startControlPlaneReplica({ dataDir: dir, etcdEndpoint: etcd.get().endpoint, etcdPrefix: prefix, flags: { 'secure-port': port } })), apiPort: Number(port) };
    assert.equal(readFileSync(path.join(dir, 'pki', 'sa.key'), 'utf8'), keyBefore);
    assert.equal((await asToken(token, '/api/v1/namespaces/team/pods')).status, 200);
  });
});
