/**
 * httpGet probes against real HTTP(S) servers on loopback: status codes, the kubelet's
 * redirect rules, timeouts, refused connections, headers, and the probe manager flipping a
 * container's readiness as the server's answer flips.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';
import type { Container, Pod } from '../../../../api/core-v1';
import { httpGetRequest, type HttpGetAction } from '../../../../agent/probes/http-probe-request';
import { httpProbe } from '../../../../agent/probes/http-probe';
import { ProbeManager, type ProbeEventRecord } from '../../../../agent/probes/probe-manager';
import type { ProbeOutcome } from '../../../../agent/probes/probe-outcome';
import { until } from '../../../../scripts/cluster/wait-until';

const LOOPBACK = '127.0.0.1';

interface TestServer {
  port: number;
  close(): Promise<void>;
}

function listen(server: http.Server): Promise<TestServer> {
  return new Promise((resolve) => {
    server.listen(0, LOOPBACK, () => {
      const port = (server.address() as AddressInfo).port;
      resolve({ port, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) });
    });
  });
}

/** A self-signed certificate, as a pod serving HTTPS would have (the kubelet does not verify it). */
function selfSigned(): { key: string; cert: string } {
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 3_600_000);
  cert.setSubject([{ name: 'commonName', value: 'pod.local' }]);
  cert.setIssuer([{ name: 'commonName', value: 'pod.local' }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { key: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(cert) };
}

describe('httpGet probes against a real server', function () {
  this.timeout(20_000);
  let status = 200;
  let lastHeaders: http.IncomingHttpHeaders = {};
  let main: TestServer;
  let other: TestServer;
  let secure: TestServer;
  const container: Container = { name: 'app' };

  function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '/';
    if (url.startsWith('/healthz')) {
      lastHeaders = req.headers;
      res.writeHead(status).end(`status ${status}`);
    } else if (url === '/relative') res.writeHead(302, { Location: '/healthz?from=relative' }).end();
    else if (url === '/other-port') res.writeHead(307, { Location: `http://${LOOPBACK}:${other.port}/healthz` }).end();
    else if (url === '/away') res.writeHead(301, { Location: `http://localhost:${main.port}/healthz` }).end('moved');
    else if (url === '/loop') res.writeHead(302, { Location: '/loop' }).end();
    else if (url === '/big') res.writeHead(200).end('x'.repeat(20_000));
    else if (url === '/silent') return; // never answers
    else if (url === '/stall') res.writeHead(200).write('partial'); // never ends
    else res.writeHead(404).end();
  }

  before(async () => {
    main = await listen(http.createServer(handler));
    other = await listen(http.createServer(handler));
    secure = await listen(https.createServer(selfSigned(), handler) as unknown as http.Server);
  });

  after(async () => {
    await Promise.all([main.close(), other.close(), secure.close()]);
  });

  beforeEach(() => {
    status = 200;
  });

  function probe(action: HttpGetAction, timeoutMs = 2_000): Promise<ProbeOutcome> {
    const req = httpGetRequest(action, container, LOOPBACK);
    if (req instanceof Error) throw req;
    return httpProbe(req, new AbortController().signal, AbortSignal.timeout(timeoutMs));
  }

  it('succeeds on 2xx and fails on 5xx with the status code', async () => {
    assert.deepEqual(await probe({ port: main.port, path: '/healthz' }), { result: 'success', output: 'status 200' });
    status = 500;
    assert.deepEqual(await probe({ port: main.port, path: '/healthz' }), { result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
    status = 399;
    assert.equal((await probe({ port: main.port, path: '/healthz' })).result, 'warning');
  });

  it("sends the kubelet's User-Agent and the probe's headers", async () => {
    await probe({ port: main.port, path: '/healthz', httpHeaders: [{ name: 'x-probe', value: 'yes' }, { name: 'Host', value: 'web.example' }] });
    assert.equal(lastHeaders['user-agent'], 'kube-probe/1.32');
    assert.equal(lastHeaders.accept, '*/*');
    assert.equal(lastHeaders['x-probe'], 'yes');
    assert.equal(lastHeaders.host, 'web.example');
  });

  it('follows redirects on the same host, whatever the port', async () => {
    assert.deepEqual(await probe({ port: main.port, path: '/relative' }), { result: 'success', output: 'status 200' });
    status = 503;
    assert.equal((await probe({ port: main.port, path: '/other-port' })).output, 'HTTP probe failed with statuscode: 503');
    assert.equal(lastHeaders.referer, `http://${LOOPBACK}:${main.port}/other-port`);
  });

  it('does not follow a redirect to another host: a success with a warning', async () => {
    assert.deepEqual(await probe({ port: main.port, path: '/away' }), { result: 'warning', output: 'Probe terminated redirects, Response body: moved' });
  });

  it('gives up after 10 redirects', async () => {
    assert.deepEqual(await probe({ port: main.port, path: '/loop' }), { result: 'failure', output: 'Get "/loop": stopped after 10 redirects' });
  });

  it('fails when no answer comes within the timeout', async () => {
    const started = Date.now();
    const res = await probe({ port: main.port, path: '/silent' }, 300);
    assert.deepEqual(res, { result: 'failure', output: `Get "http://${LOOPBACK}:${main.port}/silent": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    assert.ok(Date.now() - started < 2_000);
  });

  it('errors when the body does not arrive within the timeout (the kubelet throws such a result away)', async () => {
    const res = await probe({ port: main.port, path: '/stall' }, 300);
    assert.deepEqual(res, { result: 'failure', output: '', error: 'context deadline exceeded (Client.Timeout or context cancellation while reading body)' });
  });

  it('fails on a refused connection with Go\'s wording', async () => {
    const closed = await listen(http.createServer(handler));
    await closed.close();
    const res = await probe({ port: closed.port, path: '/healthz' });
    assert.deepEqual(res, { result: 'failure', output: `Get "http://${LOOPBACK}:${closed.port}/healthz": dial tcp ${LOOPBACK}:${closed.port}: connect: connection refused` });
  });

  it('keeps at most 10 KiB of the body', async () => {
    const res = await probe({ port: main.port, path: '/big' });
    assert.equal(res.result, 'success');
    assert.equal(res.output.length, 10 * 1024);
  });

  it('probes HTTPS without verifying the certificate', async () => {
    assert.deepEqual(await probe({ port: secure.port, path: '/healthz', scheme: 'HTTPS' }), { result: 'success', output: 'status 200' });
  });

  it("flips a container's readiness as the server's answer flips", async () => {
    const manager = new ProbeManager({ runtime: { exec: () => Promise.reject(new Error('no exec')) }, log: () => undefined });
    const events: ProbeEventRecord[] = [];
    manager.onEvent((e) => events.push(e));
    const pod: Pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'uid-http' },
      spec: { containers: [{ name: 'app', ports: [{ name: 'http', containerPort: main.port }], readinessProbe: { httpGet: { port: 'http', path: '/healthz' }, periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 1 } }] },
    };
    try {
      manager.addContainer(pod, 'app', 'c1', LOOPBACK);
      const ready = () => manager.containerStatus(pod, 'app', 'c1').ready;
      await until(() => ready(), { timeoutMs: 5_000, describe: () => `readiness ${manager.result('uid-http', 'app', 'readiness')}` });
      status = 500;
      await until(() => !ready(), { timeoutMs: 5_000, describe: () => `readiness ${manager.result('uid-http', 'app', 'readiness')}` });
      assert.equal(events[0]?.event.message, 'Readiness probe failed: HTTP probe failed with statuscode: 500');
      status = 200;
      await until(() => ready(), { timeoutMs: 5_000 });
    } finally {
      manager.dispose();
    }
  });
});
