/**
 * A pod reaching the API from inside, as client libraries' in-cluster config does, on a
 * one-node simulated cluster through the real kubectl: the ServiceAccount admission mounts
 * `token`, `ca.crt` and `namespace` at /var/run/secrets/kubernetes.io/serviceaccount; the
 * token was asked of the control plane by the agent over its gRPC session and is bound to the
 * pod and its node; `KUBERNETES_SERVICE_HOST`/`_PORT` name the `kubernetes` Service; a pod
 * with `openssl s_client` verifies the API server against its ca.crt and the name
 * kubernetes.default.svc and lists pods with its token (401 without).
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { importBusyboxImages } from '../../agent/runtime/busybox-image';
import { glibcNssFiles } from '../../scripts/cluster/test-image';
import tls from 'node:tls';
import { startTestCluster, type TestCluster } from '../support/cluster-fixture';
import { kubectlOk, waitPodRow } from '../support/kubectl-pods';
import { until } from '../../scripts/cluster/wait-until';

const TLS_CLIENT_IMAGE = 'pikube/tls-client:latest';

const MANIFESTS = `apiVersion: v1
kind: Pod
metadata:
  name: tls-client
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: ${TLS_CLIENT_IMAGE}
    imagePullPolicy: Never
    command: ["sleep", "3600"]
---
apiVersion: v1
kind: Pod
metadata:
  name: api-client
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: pikube/busybox:latest
    imagePullPolicy: IfNotPresent
    command: ["sleep", "3600"]
---
apiVersion: v1
kind: Pod
metadata:
  name: no-token
spec:
  automountServiceAccountToken: false
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: pikube/busybox:latest
    imagePullPolicy: IfNotPresent
    command: ["sleep", "3600"]
`;

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * busybox's own TLS (used by its wget when no `openssl` is on the PATH) offers only SHA-1
 * signatures, which OpenSSL 3 behind Node refuses ("no suitable signature algorithm"): the API
 * server is right to refuse it. So this image adds the host's openssl and its libraries to the
 * static busybox, a verifying client of a few MB made from what the machine has.
 */
async function loadTlsClientImage(docker: Docker): Promise<void> {
  const dir = `/lib/${process.arch === 'arm64' ? 'aarch64-linux-gnu' : process.arch === 'arm' ? 'arm-linux-gnueabihf' : 'x86_64-linux-gnu'}`;
  const hostFiles = [...glibcNssFiles(), '/usr/bin/openssl', `${dir}/libssl.so.3`, `${dir}/libcrypto.so.3`];
  const missing = hostFiles.filter((f) => !existsSync(f));
  if (missing.length > 0) throw new Error(`the TLS client image needs the openssl package: ${missing.join(', ')} missing`);
  await importBusyboxImages(docker, [{ image: TLS_CLIENT_IMAGE, cmd: ['/bin/sh'], applets: ['sh', 'sleep', 'cat', 'echo', 'printf', 'timeout', 'ls', 'true'], hostFiles }]);
}

describe('a pod using its service-account token against the API (e2e)', function () {
  this.timeout(180_000);
  let tc: TestCluster;
  const kubectl = (args: string[], input?: string): Promise<string> => kubectlOk(tc, args, input);
  const exec = (pod: string, command: string): Promise<string> => kubectl(['exec', pod, '--', 'sh', '-c', command]);

  before(async function () {
    this.timeout(300_000);
    tc = await startTestCluster({ nodes: ['pi1'] });
    await loadTlsClientImage(tc.docker('pi1'));
    await kubectl(['apply', '-f', '-'], MANIFESTS);
    await waitPodRow(tc, 'tls-client', (r) => r.status === 'Running');
  });

  after(async function () {
    this.timeout(120_000);
    if (tc) await tc.down();
  });

  it('projects token, ca.crt and namespace; the token is bound to the pod and its node', async () => {
    const t0 = Date.now();
    await waitPodRow(tc, 'api-client', (r) => r.status === 'Running');
    console.log(`      pod with a projected token Running ${Date.now() - t0} ms after the wait began`);
    assert.deepEqual((await exec('api-client', `ls ${SA_DIR}`)).split(/\s+/).filter(Boolean), ['ca.crt', 'namespace', 'token']);
    assert.equal(await exec('api-client', `cat ${SA_DIR}/namespace`), 'default');
    const kubeconfig = readFileSync(tc.kubeconfig, 'utf8');
    const caData = /certificate-authority-data:\s*(\S+)/.exec(kubeconfig)?.[1] ?? '';
    assert.equal(await exec('api-client', `cat ${SA_DIR}/ca.crt`), Buffer.from(caData, 'base64').toString());
    const token = await exec('api-client', `cat ${SA_DIR}/token`);
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub: string; exp: number; iat: number; 'kubernetes.io': { pod: unknown; node: { name: string } } };
    const uid = await kubectl(['get', 'pod', 'api-client', '-o', 'jsonpath={.metadata.uid}']);
    assert.equal(claims.sub, 'system:serviceaccount:default:default');
    assert.equal(claims.exp - claims.iat, 3607);
    assert.deepEqual(claims['kubernetes.io'].pod, { name: 'api-client', uid });
    assert.equal(claims['kubernetes.io'].node.name, 'pi1');
    assert.equal((await exec('no-token', `ls ${SA_DIR} 2>&1 || echo absent`)).trim(), `ls: ${SA_DIR}: No such file or directory\nabsent`);
  });

  it('reaches the API at https://kubernetes.default.svc with its token and ca.crt, as in-cluster config does: 403 until a RoleBinding grants it pods', async () => {
    assert.equal((await exec('tls-client', 'echo $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT')).trim(), '10.43.0.1:443');
    // A verifying client: the chain to the pod's ca.crt and the host name kubernetes.default.svc, then HTTP with the token.
    const call = (host: string, auth: boolean): Promise<string> => exec('tls-client', [
      `printf 'GET /api/v1/namespaces/default/pods HTTP/1.1\\r\\nHost: ${host}\\r\\n${auth ? `Authorization: Bearer %s\\r\\n` : ''}Connection: close\\r\\n\\r\\n' ${auth ? `"$(cat ${SA_DIR}/token)"` : ''}`,
      `| timeout 20 /usr/bin/openssl s_client -quiet -connect ${host}:443 -servername ${host} -CAfile ${SA_DIR}/ca.crt -verify_return_error -verify_hostname ${host} 2>&1; true`,
    ].join(' '));
    const refused = await call('kubernetes.default.svc', true);
    assert.match(refused, /verify return:1/, refused);
    assert.match(refused, /HTTP\/1\.1 403 Forbidden/, refused);
    assert.match(refused, /User \\"system:serviceaccount:default:default\\" cannot list resource \\"pods\\"/, refused);
    await kubectl(['create', 'rolebinding', 'default-view', '--clusterrole=view', '--serviceaccount=default:default']);
    const answer = await until(async () => {
      const a = await call('kubernetes.default.svc', true);
      return /HTTP\/1\.1 200 OK/.test(a) && a;
    }, { timeoutMs: 10_000, describe: () => call('kubernetes.default.svc', true) });
    assert.match(answer, /"kind":"PodList"/);
    assert.match(answer, /"name":"api-client"/);
    assert.match(await call('kubernetes.default.svc', false), /HTTP\/1\.1 401 Unauthorized/);
    assert.match(await call('kubernetes.default.svc.cluster.local', true), /"kind":"PodList"/);
  });

  it("serves the API with a certificate for the in-cluster names, chaining to the pod's ca.crt", async () => {
    const caPem = await exec('api-client', `cat ${SA_DIR}/ca.crt`);
    const url = new URL(tc.apiUrl);
    // What a verifying in-cluster client checks: the chain to ca.crt and the name kubernetes.default.svc.
    const peer = await new Promise<X509Certificate>((resolve, reject) => {
      const socket = tls.connect({ host: url.hostname, port: Number(url.port), ca: caPem, servername: 'kubernetes.default.svc', checkServerIdentity: () => undefined }, () => {
        const raw = socket.getPeerCertificate().raw;
        socket.end();
        if (!socket.authorized) reject(new Error(`not trusted by the pod's ca.crt: ${String(socket.authorizationError)}`));
        else resolve(new X509Certificate(raw));
      });
      socket.on('error', reject);
    });
    assert.ok(peer.checkHost('kubernetes.default.svc'), peer.subjectAltName);
    assert.ok(peer.checkIP('10.43.0.1'), peer.subjectAltName);
  });
});
