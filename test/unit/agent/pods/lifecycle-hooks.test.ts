import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pod } from '../../../../api/core-v1';
import { runHook, type HookExec } from '../../../../agent/pods/lifecycle-hooks';
import { goDuration } from '../../../../agent/pods/pod-events';

const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'ns', uid: 'u1' }, spec: { containers: [] } };
const container = { name: 'app', ports: [{ name: 'admin', containerPort: 0 }] };
const noExec: HookExec = { exec: () => Promise.reject(new Error('no exec here')) };

describe('lifecycle hooks', () => {
  let server: http.Server;
  const seen: { url?: string; agent?: string }[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      seen.push({ url: req.url, agent: req.headers['user-agent'] });
      res.writeHead(req.url === '/fail' ? 500 : 200).end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    container.ports[0].containerPort = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const target = { pod, container, containerId: 'c1', podIP: '127.0.0.1' };

  it('httpGet calls the pod on a named port with the kubelet user agent; a 500 still succeeds', async () => {
    assert.deepEqual(await runHook({ httpGet: { path: '/fail', port: 'admin' } }, target, noExec, 2000, AbortSignal.timeout(5000)), { ok: true });
    assert.deepEqual(seen.at(-1), { url: '/fail', agent: 'kube-lifecycle/1.32' });
  });

  it('httpGet fails on a transport error, with the kubelet message', async () => {
    const r = await runHook({ httpGet: { path: '/x', port: 1 } }, target, noExec, 2000, AbortSignal.timeout(5000));
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.message, /^HTTP lifecycle hook \(\/x\) for Container "app" in Pod "web_ns\(u1\)" failed - error: .*ECONNREFUSED/);
  });

  it('exec fails on a non-zero exit, quoting command and output', async () => {
    const exec: HookExec = { exec: async () => ({ exitCode: 2, output: 'bad\n' }) };
    const r = await runHook({ exec: { command: ['sh', '-c', 'exit 2'] } }, target, exec, 2000, AbortSignal.timeout(5000));
    assert.deepEqual(r, { ok: false, message: 'Exec lifecycle hook ([sh -c exit 2]) for Container "app" in Pod "web_ns(u1)" failed - error: command \'sh -c exit 2\' exited with 2: bad\n, message: "bad\\n"' });
  });

  it('sleep waits, bounded by the timeout', async () => {
    const t0 = Date.now();
    assert.deepEqual(await runHook({ sleep: { seconds: 5 } }, target, noExec, 150, AbortSignal.timeout(5000)), { ok: true });
    assert.ok(Date.now() - t0 >= 140 && Date.now() - t0 < 1000);
  });

  it('tcpSocket is not a lifecycle handler', async () => {
    const r = await runHook({ tcpSocket: { port: 80 } }, target, noExec, 150, AbortSignal.timeout(5000));
    assert.equal(r.ok, false);
  });

  it('spells durations as Go does for the Pulled event', () => {
    assert.deepEqual([goDuration(345), goDuration(1500), goDuration(1234), goDuration(62_250), goDuration(0)], ['345ms', '1.5s', '1.234s', '1m2.25s', '0s']);
  });
});
