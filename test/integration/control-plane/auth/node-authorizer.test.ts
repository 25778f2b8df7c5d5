/**
 * The Node authorizer and NodeRestriction against a real `pikube-server serve` on a real etcd:
 * two nodes, each with the client certificate an agent is issued (CN system:node:<name>,
 * O system:nodes), asking the API for their own and each other's objects; a table of
 * (node, verb, path) → status, watches and lists with field selectors included; the 403 as
 * kubectl prints it; kubectl auth can-i for a node; and TokenReview through kubectl.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TokenReview } from '../../../../api/authentication-v1';
import { issueAdminCertificate, loadOrCreateClusterPki, type ClusterPki } from '../../../../control-plane/auth/cluster-pki';
import { writeKubeconfig } from '../../../../control-plane/auth/kubeconfig';
import { issueNodeCertificate } from '../../../../control-plane/auth/node-certificate';
import type { KeyPair } from '../../../../control-plane/auth/pki';
import { runCommand, type CommandResult } from '../../../../scripts/cluster/run-command';
import { until } from '../../../../scripts/cluster/wait-until';
import { httpsRequest } from '../../../support/api-server-fixture';
import { startControlPlaneReplica, type ControlPlaneReplica } from '../../../support/control-plane-process';
import { withEtcd } from '../../../support/etcd-fixture';

const MANIFESTS = `
apiVersion: v1
kind: Node
metadata: {name: pi-a}
---
apiVersion: v1
kind: Node
metadata: {name: pi-b}
---
apiVersion: v1
kind: Secret
metadata: {name: db-pass}
stringData: {password: a}
---
apiVersion: v1
kind: Secret
metadata: {name: b-only}
stringData: {password: b}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-conf}
data: {k: v}
---
apiVersion: v1
kind: Pod
metadata: {name: web-a}
spec:
  nodeName: pi-a
  containers: [{name: c, image: busybox, envFrom: [{configMapRef: {name: web-conf}}]}]
  volumes: [{name: s, secret: {secretName: db-pass}}]
---
apiVersion: v1
kind: Pod
metadata: {name: web-b}
spec:
  nodeName: pi-b
  containers: [{name: c, image: busybox}]
  volumes: [{name: s, secret: {secretName: b-only}}]
`;

describe('Node authorizer and NodeRestriction (real control plane, node certificates, kubectl)', function () {
  this.timeout(60_000);
  const etcd = withEtcd();
  let dir = '';
  let pki: ClusterPki;
  let replica: ControlPlaneReplica | undefined;
  const certs: Record<string, KeyPair> = {};
  const kubeconfigs: Record<string, string> = {};

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-nodeauthz-'));
    pki = loadOrCreateClusterPki(dir, '127.0.0.1');
    replica = await startControlPlaneReplica({ dataDir: dir, etcdEndpoint: etcd.get().endpoint, etcdPrefix: etcd.get().keySpace().prefix });
    const server = `https://127.0.0.1:${replica.apiPort}`;
    for (const [who, client] of [['admin', issueAdminCertificate(pki.ca)], ['pi-a', issueNodeCertificate(pki.ca, 'pi-a')], ['pi-b', issueNodeCertificate(pki.ca, 'pi-b')]] as const) {
      certs[who] = client;
      kubeconfigs[who] = path.join(dir, `${who}.kubeconfig`);
      writeKubeconfig(kubeconfigs[who], { server, caCertPem: pki.ca.certPem, client });
    }
    const applied = await kubectl('admin', ['apply', '-f', '-'], MANIFESTS);
    assert.equal(applied.code, 0, applied.stderr);
  });

  after(async function () {
    this.timeout(30_000);
    await replica?.process.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function kubectl(who: string, args: string[], input?: string): Promise<CommandResult> {
    return runCommand('/usr/bin/kubectl', [`--kubeconfig=${kubeconfigs[who]}`, `--cache-dir=${path.join(dir, `cache-${who}`)}`, ...args], { allowFailure: true, timeoutMs: 20_000, input });
  }
  const request = (who: string, method: string, p: string, body?: object) => httpsRequest(replica?.apiPort ?? 0, pki, certs[who], method, p, { body, headers: method === 'PATCH' ? { 'Content-Type': 'application/merge-patch+json' } : {} });

  const POD_STATUS = { status: { conditions: [{ type: 'Ready', status: 'False' }] } };
  const table: [string, string, string, number, object?][] = [
    ['pi-a', 'GET', '/api/v1/nodes/pi-a', 200],
    ['pi-a', 'GET', '/api/v1/nodes/pi-b', 403],
    ['pi-a', 'GET', '/api/v1/nodes', 403],
    ['pi-a', 'GET', '/api/v1/nodes?fieldSelector=metadata.name%3Dpi-a', 200],
    ['pi-a', 'GET', '/api/v1/nodes?watch=true&fieldSelector=metadata.name%3Dpi-a&timeoutSeconds=1', 200],
    ['pi-a', 'PATCH', '/api/v1/nodes/pi-b/status', 403, { status: { phase: 'Running' } }],
    ['pi-a', 'PATCH', '/api/v1/nodes/pi-a/status', 200, { metadata: { labels: { ignored: 'x' } } }],
    ['pi-a', 'GET', '/api/v1/namespaces/default/pods/web-a', 200],
    ['pi-a', 'GET', '/api/v1/namespaces/default/pods/web-b', 403],
    ['pi-a', 'GET', '/api/v1/pods', 403],
    ['pi-a', 'GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dpi-a', 200],
    ['pi-a', 'GET', '/api/v1/pods?watch=true&fieldSelector=spec.nodeName%3Dpi-a&timeoutSeconds=1', 200],
    ['pi-a', 'GET', '/api/v1/pods?watch=true&fieldSelector=spec.nodeName%3Dpi-b&timeoutSeconds=1', 403],
    ['pi-a', 'PATCH', '/api/v1/namespaces/default/pods/web-a/status', 200, POD_STATUS],
    ['pi-a', 'PATCH', '/api/v1/namespaces/default/pods/web-b/status', 403, POD_STATUS],
    ['pi-a', 'DELETE', '/api/v1/namespaces/default/pods/web-b', 403],
    ['pi-a', 'POST', '/api/v1/namespaces/default/pods', 403, { metadata: { name: 'sneaky' }, spec: { nodeName: 'pi-a', containers: [{ name: 'c', image: 'busybox' }] } }],
    ['pi-a', 'GET', '/api/v1/namespaces/default/secrets/db-pass', 200],
    ['pi-a', 'GET', '/api/v1/namespaces/default/secrets?fieldSelector=metadata.name%3Ddb-pass', 200],
    ['pi-a', 'GET', '/api/v1/namespaces/default/secrets/b-only', 403],
    ['pi-b', 'GET', '/api/v1/namespaces/default/secrets/db-pass', 403],
    ['pi-b', 'GET', '/api/v1/namespaces/default/secrets/b-only', 200],
    ['pi-a', 'GET', '/api/v1/namespaces/default/secrets', 403],
    ['pi-a', 'PUT', '/api/v1/namespaces/default/secrets/db-pass', 403, { metadata: { name: 'db-pass' }, stringData: { password: 'mine' } }],
    ['pi-a', 'GET', '/api/v1/namespaces/default/configmaps/web-conf', 200],
    ['pi-b', 'GET', '/api/v1/namespaces/default/configmaps/web-conf', 403],
    ['pi-a', 'GET', '/api/v1/services', 200],
    ['pi-a', 'POST', '/api/v1/namespaces/default/events', 201, { metadata: { name: 'web-a.1' }, involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-a' }, reason: 'Started', message: 'started', type: 'Normal' }],
    ['pi-a', 'GET', '/apis/apps/v1/deployments', 403],
    ['pi-a', 'POST', '/api/v1/namespaces/default/serviceaccounts/default/token', 403, { spec: { audiences: [] } }],
  ];

  it('waits until the node view holds the pods', async () => {
    await until(async () => (await request('pi-a', 'GET', '/api/v1/namespaces/default/secrets/db-pass')).status === 200, { timeoutMs: 10_000, describe: () => 'pi-a cannot read its pod\'s Secret' });
  });

  for (const [who, method, p, status, body] of table) {
    it(`${who} ${method} ${p} → ${status}`, async () => {
      const r = await request(who, method, p, body);
      assert.equal(r.status, status, r.text);
    });
  }

  it('answers a node reading another node\'s Secret 403, worded as Kubernetes, in kubectl', async () => {
    const r = await kubectl('pi-b', ['get', 'secret', 'db-pass']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(Forbidden\): secrets "db-pass" is forbidden: User "system:node:pi-b" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node 'pi-b' and this object/);
    assert.equal((await kubectl('pi-a', ['get', 'secret', 'db-pass', '-o', 'jsonpath={.metadata.name}'])).stdout, 'db-pass');
  });

  it('refuses a node writing another Node, restricted labels or its taints (NodeRestriction)', async () => {
    const other = await request('pi-a', 'POST', '/api/v1/nodes', { metadata: { name: 'pi-c' } });
    assert.equal(other.status, 403, other.text);
    assert.match(other.json<{ message: string }>().message, /node "pi-a" is not allowed to modify node "pi-c"/);
    const role = await request('pi-a', 'PATCH', '/api/v1/nodes/pi-a', { metadata: { labels: { 'node-role.kubernetes.io/control-plane': '' } } });
    assert.equal(role.status, 403, role.text);
    assert.match(role.json<{ message: string }>().message, /is not allowed to modify labels: node-role.kubernetes.io\/control-plane/);
    const taints = await request('pi-a', 'PATCH', '/api/v1/nodes/pi-a', { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } });
    assert.equal(taints.status, 403, taints.text);
    const own = await request('pi-a', 'PATCH', '/api/v1/nodes/pi-a', { metadata: { labels: { 'home.lan/rack': '2' } } });
    assert.equal(own.status, 200, own.text);
    const byAdmin = await kubectl('admin', ['label', 'node', 'pi-b', 'node-role.kubernetes.io/worker=']);
    assert.equal(byAdmin.code, 0, byAdmin.stderr);
  });

  it('answers kubectl auth can-i for a node as the authorizer does', async () => {
    const canI = async (args: string[]): Promise<string> => (await kubectl('admin', ['auth', 'can-i', ...args, '--as=system:node:pi-a', '--as-group=system:nodes'])).stdout.trim();
    assert.equal(await canI(['get', 'secret/db-pass']), 'yes');
    assert.match(await canI(['get', 'secret/b-only']), /^no - no relationship found between node 'pi-a' and this object/);
    assert.match(await canI(['get', 'node/pi-b']), /^no - node 'pi-a' cannot read 'pi-b', only its own Node object/);
  });

  describe('TokenReview', () => {
    const review = async (token: string): Promise<TokenReview> => {
      const manifest = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });
      const r = await kubectl('admin', ['create', '-f', '-', '-o', 'json'], manifest);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as TokenReview;
    };

    // kubectl validates a kind without a PATCH operation (create-only) through /openapi/v2.
    it('answers a valid ServiceAccount token with its user and audiences, kubectl create -f -o yaml', async () => {
      const created = await kubectl('admin', ['create', 'serviceaccount', 'robot']);
      assert.equal(created.code, 0, created.stderr);
      const token = (await kubectl('admin', ['create', 'token', 'robot'])).stdout.trim();
      const manifest = `apiVersion: authentication.k8s.io/v1\nkind: TokenReview\nspec:\n  token: ${token}\n`;
      const yaml = await kubectl('admin', ['create', '-f', '-', '-o', 'yaml'], manifest);
      assert.equal(yaml.code, 0, yaml.stderr);
      assert.match(yaml.stdout, /kind: TokenReview/);
      assert.match(yaml.stdout, /authenticated: true/);
      assert.match(yaml.stdout, /username: system:serviceaccount:default:robot/);
      assert.match(yaml.stdout, /audiences:\n {2}- https:\/\/kubernetes.default.svc.cluster.local/);
      const answer = await review(token);
      assert.deepEqual(answer.status?.user?.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
    });

    it('refuses a token bound to a pod once the pod is deleted, and garbage', async () => {
      const run = await kubectl('admin', ['run', 'holder', '--image=busybox', '--overrides={"spec":{"serviceAccountName":"robot"}}']);
      assert.equal(run.code, 0, run.stderr);
      const token = (await kubectl('admin', ['create', 'token', 'robot', '--bound-object-kind', 'Pod', '--bound-object-name', 'holder'])).stdout.trim();
      assert.equal((await review(token)).status?.authenticated, true);
      const deleted = await kubectl('admin', ['delete', 'pod', 'holder', '--grace-period=0', '--force']);
      assert.equal(deleted.code, 0, deleted.stderr);
      const after = await until(async () => {
        const r = await review(token);
        return r.status?.authenticated === false && r;
      }, { timeoutMs: 10_000, describe: () => 'the token still authenticates' });
      assert.deepEqual(after.status, { authenticated: false, error: 'service account token has been invalidated' });
      assert.deepEqual((await review('not-a-token')).status, { authenticated: false, error: 'invalid bearer token' });
    });

    it('is not for anyone: a node may create one, a ServiceAccount may not', async () => {
      const token = (await kubectl('admin', ['create', 'token', 'robot'])).stdout.trim();
      const asNode = await request('pi-a', 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });
      assert.equal(asNode.status, 201, asNode.text);
      assert.equal(asNode.json<TokenReview>().status?.authenticated, true);
      const asRobot = await httpsRequest(replica?.apiPort ?? 0, pki, { certPem: '', keyPem: '' }, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
        authenticated: false, headers: { Authorization: `Bearer ${token}` }, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
      });
      assert.equal(asRobot.status, 403, asRobot.text);
      const empty = await request('admin', 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: {} });
      assert.equal(empty.status, 400, empty.text);
    });
  });
});
