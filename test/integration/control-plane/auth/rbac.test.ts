import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { clientCertificateAuthenticator, unionAuthenticator } from '../../../../control-plane/auth/authenticator';
import { issueUserCertificate } from '../../../../control-plane/auth/cluster-pki';
import { writeKubeconfig } from '../../../../control-plane/auth/kubeconfig';
import type { KeyPair } from '../../../../control-plane/auth/pki';
import { ensureBootstrapPolicy } from '../../../../control-plane/auth/rbac/ensure-bootstrap-policy';
import { parseTokenFile, tokenAuthenticator } from '../../../../control-plane/auth/token-file-authenticator';
import { runCommand, type CommandResult } from '../../../../scripts/cluster/run-command';
import { until } from '../../../../scripts/cluster/wait-until';
import { startApiServerFixture, type ApiServerFixture, type HttpResult } from '../../../support/api-server-fixture';
import { ControllerHarness } from '../../../support/controller-harness';
import { withEtcd } from '../../../support/etcd-fixture';
import { clusterRoleAggregationController } from '../../../../control-plane/controllers/cluster-role-aggregation-controller';
import type { ClusterRole } from '../../../../api/rbac-v1';

const TOKENS = 'bob-secret-token,bob,1001,"viewers,ops"\ncarol-token,carol,1002\n';

/** How a row's identity reaches the server. */
type Identity = { cert: KeyPair } | { token: string } | { as: string; groups?: string[] };

const POLICY = `
apiVersion: v1
kind: Namespace
metadata: { name: team }
---
kind: Role
apiVersion: rbac.authorization.k8s.io/v1
metadata: { namespace: default, name: pod-and-services }
rules:
- apiGroups: [""]
  resources: ["pods", "services"]
  verbs: ["create", "delete", "get", "list", "patch", "update", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { namespace: default, name: pods-and-services }
subjects:
- apiGroup: rbac.authorization.k8s.io
  kind: User
  name: alice
- apiGroup: rbac.authorization.k8s.io
  kind: Group
  name: mydevs
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-and-services }
---
kind: Role
apiVersion: rbac.authorization.k8s.io/v1
metadata: { namespace: team, name: web-logs }
rules:
- apiGroups: [""]
  resources: ["pods/log"]
  verbs: ["get"]
- apiGroups: [""]
  resources: ["pods"]
  resourceNames: ["web"]
  verbs: ["get", "watch", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { namespace: team, name: carol-logs }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: User, name: carol }]
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: web-logs }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: viewers }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: Group, name: viewers }]
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { namespace: team, name: alice-admin }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: User, name: alice }]
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin }
`;

describe('authentication and RBAC authorization (real API server, kubectl)', function () {
  this.timeout(60_000);
  const etcd = withEtcd();
  let api: ApiServerFixture;
  let controllers: ControllerHarness | undefined;
  let dir: string;
  let alice: KeyPair;
  let aliceConfig: string;
  let bobConfig: string;

  function request(identity: Identity, method: string, p: string, body?: object): Promise<HttpResult> {
    const headers: Record<string, string> = {};
    let creds: { cert?: string; key?: string } = {};
    if ('cert' in identity) creds = { cert: identity.cert.certPem, key: identity.cert.keyPem };
    else if ('token' in identity) headers.Authorization = `Bearer ${identity.token}`;
    else {
      creds = { cert: api.admin.certPem, key: api.admin.keyPem };
      headers['Impersonate-User'] = identity.as;
    }
    const payload = body ? Buffer.from(JSON.stringify(body)) : undefined;
    if (payload) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) });
    return new Promise((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port: api.port, path: p, method, ca: api.pki.ca.certPem, ...creds, headers, agent: false, timeout: 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, bytes, json: () => JSON.parse(text) });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${p} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  function kubectlAs(kubeconfig: string, args: string[], input?: string): Promise<CommandResult> {
    return runCommand('/usr/bin/kubectl', [`--kubeconfig=${kubeconfig}`, `--cache-dir=${path.join(dir, 'cache-' + path.basename(kubeconfig))}`, ...args], { allowFailure: true, input, timeoutMs: 30_000 });
  }

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-rbac-'));
    const authenticator = unionAuthenticator([clientCertificateAuthenticator, tokenAuthenticator(parseTokenFile(TOKENS))]);
    api = await startApiServerFixture(etcd.get(), { server: { authenticator } });
    await ensureBootstrapPolicy(api.registry);
    // The leader's aggregation controller fills admin, edit and view.
    controllers = new ControllerHarness({ store: api.store, keySpace: api.keySpace, registry: api.registry }).run(clusterRoleAggregationController);
    await until(async () => ((await api.registry.get<ClusterRole>('clusterroles.rbac.authorization.k8s.io', undefined, 'admin')).rules ?? []).length > 20, { timeoutMs: 10_000, describe: () => 'admin not aggregated' });
    alice = issueUserCertificate(api.pki.ca, 'alice', ['devs']);
    aliceConfig = path.join(dir, 'alice');
    writeKubeconfig(aliceConfig, { server: api.url, caCertPem: api.pki.ca.certPem, client: alice, name: 'alice' });
    bobConfig = path.join(dir, 'bob');
    await runCommand('/usr/bin/kubectl', ['config', 'set-cluster', 'pi', `--server=${api.url}`, `--certificate-authority=${path.join(dir, 'ca.crt')}`, `--kubeconfig=${bobConfig}`]);
    (await import('node:fs')).writeFileSync(path.join(dir, 'ca.crt'), api.pki.ca.certPem);
    await runCommand('/usr/bin/kubectl', ['config', 'set-credentials', 'bob', '--token=bob-secret-token', `--kubeconfig=${bobConfig}`]);
    await runCommand('/usr/bin/kubectl', ['config', 'set-context', 'bob', '--cluster=pi', '--user=bob', `--kubeconfig=${bobConfig}`]);
    await runCommand('/usr/bin/kubectl', ['config', 'use-context', 'bob', `--kubeconfig=${bobConfig}`]);
    const applied = await api.kubectl(['apply', '-f', '-'], { input: POLICY });
    assert.equal(applied.code, 0, applied.stderr);
    await api.kubectl(['run', 'web', '-n', 'team', '--image=busybox', '--restart=Never']);
    await api.kubectl(['run', 'db', '-n', 'team', '--image=busybox', '--restart=Never']);
    // The server's RBAC informers see the bindings moments after they are written.
    await until(async () => (await request({ cert: alice }, 'GET', '/api/v1/namespaces/default/pods')).status === 200, { timeoutMs: 5_000, describe: () => 'alice cannot list pods yet' });
  });
  after(async () => {
    await controllers?.stop();
    await api?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('authentication', () => {
    it('answers anonymous requests 401, except health and version', async () => {
      const anonymous = async (p: string): Promise<number> => (await api.request('GET', p, { authenticated: false })).status;
      for (const p of ['/api', '/apis', '/api/v1/namespaces/default/pods', '/openapi/v3', '/readyz/etcd']) assert.equal(await anonymous(p), 401, p);
      for (const p of ['/healthz', '/livez', '/readyz', '/version']) assert.equal(await anonymous(p), 200, p);
    });

    it('knows token users by their bearer token, with their groups, and refuses unknown tokens', async () => {
      const whoami = await kubectlAs(bobConfig, ['auth', 'whoami', '-o', 'json']);
      assert.equal(whoami.code, 0, whoami.stderr);
      assert.deepEqual(JSON.parse(whoami.stdout).status.userInfo, { username: 'bob', uid: '1001', groups: ['viewers', 'ops', 'system:authenticated'] });
      assert.equal((await request({ token: 'not-a-token' }, 'GET', '/api')).status, 401);
    });

    it('names a certificate user and groups in kubectl auth whoami', async () => {
      const whoami = await kubectlAs(aliceConfig, ['auth', 'whoami']);
      assert.equal(whoami.code, 0, whoami.stderr);
      assert.match(whoami.stdout, /Username\s+alice/);
      assert.match(whoami.stdout, /Groups\s+\[devs system:authenticated\]/);
    });

    it('survives fuzzed bearer tokens', async () => {
      const headerSafe = fc.array(fc.integer({ min: 32, max: 126 }), { maxLength: 300 }).map((codes) => String.fromCharCode(...codes));
      await fc.assert(fc.asyncProperty(headerSafe, fc.constantFrom('Bearer ', 'bearer ', 'Basic ', '', 'Bearer  '), async (token, scheme) => {
        const res = await new Promise<number>((resolve, reject) => {
          https.get({ host: '127.0.0.1', port: api.port, path: '/api/v1/pods', ca: api.pki.ca.certPem, headers: { Authorization: `${scheme}${token}` }, agent: false }, (r) => {
            r.resume();
            resolve(r.statusCode ?? 0);
          }).on('error', reject);
        });
        assert.equal(res, 401);
      }), { numRuns: 150 });
      assert.equal((await api.request('GET', '/api/v1/namespaces')).status, 200);
    });
  });

  describe('authorization table (identity, verb, resource, namespace, subresource)', () => {
    const aliceId = (): Identity => ({ cert: alice });
    const bobId: Identity = { token: 'bob-secret-token' };
    const carolId: Identity = { token: 'carol-token' };
    const dave: Identity = { as: 'dave' };
    type Row = [string, () => Identity, string, string, boolean];
    // [what, identity, method, path, allowed]
    const rows: Row[] = [
      ['alice lists pods in default', aliceId, 'GET', '/api/v1/namespaces/default/pods', true],
      ['alice watches pods in default', aliceId, 'GET', '/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=1', true],
      ['alice lists pods in kube-system', aliceId, 'GET', '/api/v1/namespaces/kube-system/pods', false],
      ['alice watches pods in kube-system', aliceId, 'GET', '/api/v1/namespaces/kube-system/pods?watch=true&timeoutSeconds=1', false],
      ['alice lists configmaps in default', aliceId, 'GET', '/api/v1/namespaces/default/configmaps', false],
      ['alice lists nodes', aliceId, 'GET', '/api/v1/nodes', false],
      ['alice lists secrets in team (admin there)', aliceId, 'GET', '/api/v1/namespaces/team/secrets', true],
      ['alice lists pods in every namespace', aliceId, 'GET', '/api/v1/pods', false],
      ['bob (viewers) lists deployments anywhere', () => bobId, 'GET', '/apis/apps/v1/deployments', true],
      ['bob (viewers) watches pods anywhere', () => bobId, 'GET', '/api/v1/pods?watch=true&timeoutSeconds=1', true],
      ['bob (viewers) reads no secrets', () => bobId, 'GET', '/api/v1/namespaces/team/secrets', false],
      ['bob (viewers) creates no configmap', () => bobId, 'POST', '/api/v1/namespaces/team/configmaps', false],
      ['carol gets pod web', () => carolId, 'GET', '/api/v1/namespaces/team/pods/web', true],
      ['carol gets no pod db', () => carolId, 'GET', '/api/v1/namespaces/team/pods/db', false],
      ['carol watches pod web by name', () => carolId, 'GET', '/api/v1/namespaces/team/pods?watch=true&fieldSelector=metadata.name%3Dweb&timeoutSeconds=1', true],
      ['carol watches no pod list', () => carolId, 'GET', '/api/v1/namespaces/team/pods?watch=true&timeoutSeconds=1', false],
      ['carol reads pods/log subresource of db', () => carolId, 'GET', '/api/v1/namespaces/team/pods/db/log', true],
      ['carol reads no pods/status', () => carolId, 'GET', '/api/v1/namespaces/team/pods/web/status', false],
      ['carol execs into no pod (pods/exec)', () => carolId, 'POST', '/api/v1/namespaces/team/pods/web/exec?command=true&stdout=true', false],
      ['alice (admin in team) execs into a pod there', aliceId, 'POST', '/api/v1/namespaces/team/pods/web/exec?command=true&stdout=true', true],
      ['alice deletes a pod collection in default', aliceId, 'DELETE', '/api/v1/namespaces/default/pods?labelSelector=none%3Dnone', false],
      ['alice patches a service in default', aliceId, 'PATCH', '/api/v1/namespaces/default/services/none', true],
      ['dave (impersonated) discovers the API', () => dave, 'GET', '/apis', true],
      ['dave (impersonated) lists no pods', () => dave, 'GET', '/api/v1/namespaces/default/pods', false],
    ];
    for (const [what, identity, method, p, allowed] of rows) {
      it(`${what}: ${allowed ? 'allowed' : 'forbidden'}`, async () => {
        const res = await request(identity(), method, p, method === 'POST' ? { metadata: { name: 'x' } } : undefined);
        if (allowed) assert.notEqual(res.status, 403, res.text);
        else {
          assert.equal(res.status, 403, res.text);
          assert.equal(res.json().reason, 'Forbidden');
        }
      });
    }

    it('words the 403 as Kubernetes does, in kubectl', async () => {
      const res = await kubectlAs(aliceConfig, ['get', 'pods', '-n', 'kube-system']);
      assert.equal(res.code, 1);
      assert.equal(res.stderr.trim(), 'Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "kube-system"');
      const named = await kubectlAs(aliceConfig, ['get', 'deployment', 'x', '-n', 'default']);
      assert.equal(named.stderr.trim(), 'Error from server (Forbidden): deployments.apps "x" is forbidden: User "alice" cannot get resource "deployments" in API group "apps" in the namespace "default"');
      const nodes = await kubectlAs(aliceConfig, ['get', 'nodes']);
      assert.equal(nodes.stderr.trim(), 'Error from server (Forbidden): nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope');
    });

    it('answers kubectl auth can-i as the table says, for --as users too', async () => {
      const canI = async (args: string[]): Promise<string> => {
        const res = await api.kubectl(['auth', 'can-i', ...args]);
        return res.stdout.trim() || res.stderr.trim();
      };
      assert.equal(await canI(['list', 'pods', '-n', 'default', '--as', 'alice']), 'yes');
      assert.equal(await canI(['list', 'pods', '-n', 'kube-system', '--as', 'alice']), 'no');
      assert.equal(await canI(['get', 'pods', '--subresource=log', '-n', 'team', '--as', 'carol']), 'yes');
      assert.equal(await canI(['get', 'pods', '--subresource=status', '-n', 'team', '--as', 'carol']), 'no');
      assert.equal(await canI(['get', 'pods/db', '-n', 'team', '--as', 'carol']), 'no');
      assert.equal(await canI(['get', 'pods/web', '-n', 'team', '--as', 'carol']), 'yes');
      assert.equal(await canI(['list', 'deployments.apps', '-A', '--as', 'nobody', '--as-group', 'viewers']), 'yes');
      assert.equal(await canI(['get', 'secrets', '-n', 'team', '--as', 'nobody', '--as-group', 'viewers']), 'no');
      assert.equal((await kubectlAs(aliceConfig, ['auth', 'can-i', 'create', 'pods'])).stdout.trim(), 'yes');
      assert.equal((await kubectlAs(aliceConfig, ['auth', 'can-i', 'create', 'pods', '-n', 'kube-system'])).stdout.trim(), 'no');
      assert.equal(await canI(['get', '/healthz', '--as', 'nobody']), 'yes');
      assert.equal(await canI(['get', '/metrics', '--as', 'nobody']), 'no');
    });

    it('lists a user\'s rules with kubectl auth can-i --list', async () => {
      const list = await kubectlAs(aliceConfig, ['auth', 'can-i', '--list', '-n', 'default']);
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /^pods\s+\[\]\s+\[\]\s+\[create delete get list patch update watch\]$/m);
      assert.match(list.stdout, /selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]/);
      assert.match(list.stdout, /\[\/healthz\]\s+\[\]\s+\[get\]/);
    });
  });

  describe('SubjectAccessReview', () => {
    it('answers for another subject to those who may ask, with the reason', async () => {
      const review = (user: string, name: string) => ({
        apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
        spec: { user, resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'team', name } },
      });
      const allowed = await api.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { body: review('carol', 'web') });
      assert.equal(allowed.status, 201);
      assert.deepEqual(allowed.json().status, { allowed: true, reason: 'RBAC: allowed by RoleBinding "carol-logs/team" of Role "web-logs" to User "carol"' });
      assert.deepEqual((await api.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { body: review('carol', 'db') })).json().status, { allowed: false });
      const asAlice = await request({ cert: alice }, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', review('carol', 'web'));
      assert.equal(asAlice.status, 403);
      const invalid = await api.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { body: { spec: { user: 'carol' } } });
      assert.equal(invalid.status, 422);
    });
  });

  describe('pikube-server kubeconfig --user', () => {
    it('prints a kubeconfig whose certificate the server knows as that user and groups', async () => {
      const main = path.join(__dirname, '../../../../control-plane/main.js');
      const out = await runCommand(process.execPath, [main, 'kubeconfig', `--data-dir=${path.dirname(api.kubeconfig)}`, `--server=${api.url}`, '--user=gina', '--group=devs,mydevs']);
      const file = path.join(dir, 'gina');
      (await import('node:fs')).writeFileSync(file, out.stdout, { mode: 0o600 });
      const whoami = await kubectlAs(file, ['auth', 'whoami', '-o', 'json']);
      assert.deepEqual(JSON.parse(whoami.stdout).status.userInfo, { username: 'gina', groups: ['devs', 'mydevs', 'system:authenticated'] });
      // The course's RoleBinding names the group mydevs.
      assert.equal((await kubectlAs(file, ['auth', 'can-i', 'create', 'pods'])).stdout.trim(), 'yes');
      assert.equal((await kubectlAs(file, ['get', 'pods'])).code, 0);
    });
  });

  describe('impersonation', () => {
    it('needs the impersonate verb', async () => {
      const res = await kubectlAs(aliceConfig, ['get', 'pods', '-n', 'default', '--as', 'bob']);
      assert.equal(res.stderr.trim(), 'Error from server (Forbidden): users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope');
      const groups = await api.kubectl(['auth', 'whoami', '--as', 'erin', '--as-group', 'devs', '-o', 'json']);
      assert.deepEqual(JSON.parse(groups.stdout).status.userInfo, { username: 'erin', groups: ['devs', 'system:authenticated'] });
    });
  });

  describe('RBAC objects', () => {
    it('are made by kubectl create role|clusterrole|rolebinding|clusterrolebinding and shown with their columns', async () => {
      for (const args of [
        ['create', 'role', 'reader', '-n', 'team', '--verb=get,list', '--resource=pods,pods/log'],
        ['create', 'clusterrole', 'node-reader', '--verb=get,list,watch', '--resource=nodes'],
        ['create', 'rolebinding', 'reader', '-n', 'team', '--role=reader', '--user=frank', '--group=qa', '--serviceaccount=team:robot'],
        ['create', 'clusterrolebinding', 'node-reader', '--clusterrole=node-reader', '--user=frank'],
      ]) {
        const res = await api.kubectl(args);
        assert.equal(res.code, 0, `${args.join(' ')}: ${res.stderr}`);
      }
      const wide = await api.kubectl(['get', 'rolebinding', 'reader', '-n', 'team', '-o', 'wide']);
      assert.match(wide.stdout, /^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS$/m);
      assert.match(wide.stdout, /^reader\s+Role\/reader\s+\S+\s+frank\s+qa\s+team\/robot$/m);
      const roles = await api.kubectl(['get', 'clusterrole', 'node-reader']);
      assert.match(roles.stdout, /^NAME\s+CREATED AT$/m);
      const describe = await api.kubectl(['describe', 'role', 'reader', '-n', 'team']);
      assert.match(describe.stdout, /pods\/log\s+\[\]\s+\[\]\s+\[get list\]/);
      await until(async () => (await api.kubectl(['auth', 'can-i', 'list', 'nodes', '--as', 'frank'])).stdout.trim() === 'yes', { timeoutMs: 5_000, describe: () => 'frank cannot list nodes' });
    });

    it('reconciles a role and binding from a file with kubectl auth reconcile, as the course shows', async () => {
      const file = `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { namespace: team, name: cm-editor }
rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "update"] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { namespace: team, name: cm-editor }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: User, name: henry }]
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-editor }
`;
      const first = await api.kubectl(['auth', 'reconcile', '-f', '-'], { input: file });
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /role\.rbac\.authorization\.k8s\.io\/cm-editor reconciled/);
      const again = await api.kubectl(['auth', 'reconcile', '-f', '-'], { input: file.replace('"get", "update"', '"get", "update", "patch"') });
      assert.equal(again.code, 0, again.stderr);
      const role = await api.kubectl(['describe', 'role', 'cm-editor', '-n', 'team']);
      assert.match(role.stdout, /configmaps\s+\[\]\s+\[\]\s+\[get update patch\]/);
      await until(async () => (await api.kubectl(['auth', 'can-i', 'patch', 'configmaps', '-n', 'team', '--as', 'henry'])).stdout.trim() === 'yes', { timeoutMs: 5_000, describe: () => 'henry cannot patch configmaps' });
    });

    it('refuses invalid roles and bindings with Kubernetes\' field errors', async () => {
      const role = await api.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles', { body: { metadata: { name: 'bad' }, rules: [{ verbs: [], nonResourceURLs: ['/x'] }] } });
      assert.equal(role.status, 422);
      assert.deepEqual(role.json().details.causes.map((c: { field: string }) => c.field), ['rules[0].verbs', 'rules[0].nonResourceURLs']);
      const binding = await api.request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', { body: { metadata: { name: 'bad' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'x' }, subjects: [{ kind: 'ServiceAccount', name: 'robot' }] } });
      assert.equal(binding.status, 422);
      assert.match(binding.json().message, /roleRef\.kind: Unsupported value: "Role": supported values: "ClusterRole"/);
      assert.match(binding.json().message, /subjects\[0\]\.namespace: Required value/);
    });

    it('prevents escalation: a namespace admin grants only what they hold', async () => {
      const ok = await kubectlAs(aliceConfig, ['create', 'role', 'secret-reader', '-n', 'team', '--verb=get', '--resource=secrets']);
      assert.equal(ok.code, 0, ok.stderr);
      const nodes = await kubectlAs(aliceConfig, ['create', 'role', 'node-lister', '-n', 'team', '--verb=list', '--resource=nodes']);
      assert.equal(nodes.stderr.trim(), 'Error from server (Forbidden): roles.rbac.authorization.k8s.io "node-lister" is forbidden: user "alice" (groups=["devs" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["nodes"], Verbs:["list"]}');
      const bindAdmin = await kubectlAs(aliceConfig, ['create', 'rolebinding', 'all', '-n', 'team', '--clusterrole=cluster-admin', '--user=alice']);
      assert.match(bindAdmin.stderr, /rolebindings\.rbac\.authorization\.k8s\.io "all" is forbidden: user "alice" .* is attempting to grant RBAC permissions not currently held:/);
      const bindEdit = await kubectlAs(aliceConfig, ['create', 'rolebinding', 'helpers', '-n', 'team', '--clusterrole=edit', '--group=helpers']);
      assert.equal(bindEdit.code, 0, bindEdit.stderr);
      const elsewhere = await kubectlAs(aliceConfig, ['create', 'rolebinding', 'helpers', '-n', 'default', '--clusterrole=edit', '--group=helpers']);
      assert.match(elsewhere.stderr, /rolebindings\.rbac\.authorization\.k8s\.io is forbidden: User "alice" cannot create resource "rolebindings"/);
    });

    it('reconciles the bootstrap roles: a missing rule comes back, a user\'s own addition stays', async () => {
      await api.registry.guaranteedUpdate<ClusterRole>('clusterroles.rbac.authorization.k8s.io', undefined, 'system:basic-user', (role) => ({
        ...role, rules: [...(role.rules ?? []).slice(1), { verbs: ['get'], nonResourceURLs: ['/mine'] }],
      }));
      await ensureBootstrapPolicy(api.registry);
      const role = await api.registry.get<ClusterRole>('clusterroles.rbac.authorization.k8s.io', undefined, 'system:basic-user');
      assert.equal(role.rules?.length, 3);
      assert.ok(role.rules?.some((r) => r.resources?.includes('selfsubjectaccessreviews')));
      assert.ok(role.rules?.some((r) => r.nonResourceURLs?.includes('/mine')));
      const crb = await api.kubectl(['get', 'clusterrolebinding', 'cluster-admin', '-o', 'wide']);
      assert.match(crb.stdout, /^cluster-admin\s+ClusterRole\/cluster-admin\s+\S+\s+system:masters\s*$/m);
    });
  });
});
