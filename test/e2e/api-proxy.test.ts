/**
 * The API server's proxy subresources end to end, as a `kubectl proxy` user reaches them:
 * curl-like requests on kubectl proxy (the real kubectl 1.32) → the API server → the pod's
 * node over the same tunnel as port-forward → the pod's port; an upgraded connection is relayed
 * byte for byte.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { withTestCluster } from '../support/cluster-fixture';
import { KUBECTL, kubectlVersion } from '../../scripts/cluster/kubectl';
import { until } from '../../scripts/cluster/wait-until';

/** httpd on 80 and 8080; on 9000 a server that answers any request with a 101 and then echoes bytes. */
const APP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: upgrade
data:
  upgrade.sh: |
    #!/bin/sh
    while read l; do [ "$l" = "$(printf '\\r')" ] && break; done
    printf 'HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: echo\\r\\nConnection: Upgrade\\r\\n\\r\\n'
    exec cat
---
apiVersion: v1
kind: Pod
metadata:
  name: app
  labels: { app: app }
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{ name: upgrade, configMap: { name: upgrade, defaultMode: 0755 } }]
  containers:
    - name: main
      image: pikube/busybox:latest
      imagePullPolicy: IfNotPresent
      volumeMounts: [{ name: upgrade, mountPath: /upgrade }]
      command: ["sh", "-c", "mkdir -p /www /www2; echo port-80 > /www/index.html; echo port-8080 > /www2/index.html; nc -ll -p 9000 -e /upgrade/upgrade.sh & httpd -p 8080 -h /www2; exec httpd -f -p 80 -h /www"]
---
apiVersion: v1
kind: Service
metadata:
  name: app
spec:
  selector: { app: app }
  ports:
    - { name: web, port: 8080, targetPort: 80 }
    - { name: alt, port: 8081, targetPort: 8080 }
`;

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 20_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** An upgrade request: the socket after the 101, or the status of a refusal. */
function upgrade(port: number, path: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, agent: false, headers: { Connection: 'Upgrade', Upgrade: 'echo' } });
    req.on('upgrade', (_res, socket) => resolve(socket));
    req.on('response', (res) => reject(new Error(`no upgrade: ${res.statusCode ?? 0}`)));
    req.on('error', reject);
    req.end();
  });
}

/** `kubectl proxy` on a free port of this machine, once it says where it serves. */
async function startProxy(binary: string, kubeconfig: string): Promise<{ process: ChildProcess; port: number }> {
  const child = spawn(binary, ['--kubeconfig', kubeconfig, 'proxy', '--port=0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const serving = await until(() => /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(out) ?? undefined, { timeoutMs: 20_000, describe: () => out }).catch((err: unknown) => {
    child.kill('SIGTERM');
    throw err;
  });
  return { process: child, port: Number(serving[1]) };
}

describe('the API server proxy (kubectl proxy)', function () {
  this.timeout(120_000);
  let proxy: ChildProcess | undefined;
  let port = 0;
  const cluster = withTestCluster({}, async (tc) => {
    const applied = await tc.kubectl(['apply', '-f', '-'], { input: APP });
    assert.equal(applied.code, 0, applied.stderr);
    const ready = await tc.kubectl(['wait', '--for=condition=Ready', 'pod/app', '--timeout=90s'], { timeoutMs: 100_000 });
    assert.equal(ready.code, 0, ready.stderr);
  });

  before(async () => {
    ({ process: proxy, port } = await startProxy(KUBECTL, cluster.get().kubeconfig));
  });

  after(() => {
    proxy?.kill('SIGTERM');
  });

  const base = '/api/v1/namespaces/default';

  it("reaches a service's ports by name and number, and a pod's by number (80 by default)", async () => {
    assert.deepEqual(await get(port, `${base}/services/app:web/proxy/`), { status: 200, body: 'port-80\n' });
    assert.deepEqual(await get(port, `${base}/services/app:8081/proxy/index.html`), { status: 200, body: 'port-8080\n' });
    assert.deepEqual(await get(port, `${base}/pods/app/proxy/`), { status: 200, body: 'port-80\n' });
    assert.deepEqual(await get(port, `${base}/pods/app:8080/proxy/index.html?x=1`), { status: 200, body: 'port-8080\n' });
    assert.equal((await get(port, `${base}/pods/app/proxy/missing`)).status, 404);
  });

  it('answers 503 with the reason when nothing listens or the port is unknown', async () => {
    const closed = await get(port, `${base}/pods/app:81/proxy/`);
    assert.equal(closed.status, 503);
    assert.match(closed.body, /error trying to reach service: failed to connect to localhost:81 inside the pod's network \(10\.42\.\d+\.\d+:81\): connect: connection refused/);
    const unnamed = await get(port, `${base}/services/app/proxy/`);
    assert.match(unnamed.body, /no service port \\"\\" found for service \\"app\\"/);
  });

  for (const version of ['1.27', '1.30', '1.33'] as const) {
    it(`reaches a service and a pod through kubectl ${version}'s proxy too`, async () => {
      const other = await startProxy(kubectlVersion(version), cluster.get().kubeconfig);
      try {
        assert.deepEqual(await get(other.port, `${base}/services/app:web/proxy/`), { status: 200, body: 'port-80\n' });
        assert.deepEqual(await get(other.port, `${base}/pods/app:8080/proxy/index.html`), { status: 200, body: 'port-8080\n' });
      } finally {
        other.process.kill('SIGTERM');
      }
    });
  }

  it('relays an upgraded connection byte for byte', async () => {
    const socket = await upgrade(port, `${base}/pods/app:9000/proxy/chat`);
    let echoed = '';
    socket.on('data', (d: Buffer) => (echoed += d.toString()));
    socket.write('ping over the upgrade\n');
    await until(() => echoed.includes('ping over the upgrade\n'), { timeoutMs: 20_000, describe: () => JSON.stringify(echoed) });
    socket.destroy();
  });
});
