import { strict as assert } from 'node:assert';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import tls from 'node:tls';
import type { Pod } from '../../../../api/core-v1';
import { issueCertificate, type KeyPair } from '../../../../control-plane/auth/pki';
import type { Store } from '../../../../control-plane/store/store';
import { until } from '../../../../scripts/cluster/wait-until';
import { startApiServerFixture, type ApiServerFixture } from '../../../support/api-server-fixture';
import { withEtcd } from '../../../support/etcd-fixture';
import { openWatch } from '../../../support/watch-stream';

function aPod(name: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } };
}

/** Holds every store read of a key ending in `/slow` until `release()`. */
function gatedGets() {
  const waiting: Array<() => void> = [];
  const wrap = (store: Store): Store => new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== 'get') return Reflect.get(target, prop, receiver) as unknown;
      return async (key: string) => {
        if (key.endsWith('/slow')) await new Promise<void>((resolve) => waiting.push(resolve));
        return target.get(key);
      };
    },
  });
  return { wrap, waiting, release: () => waiting.splice(0).forEach((resolve) => resolve()) };
}

/** Opens a watch as `user` and resolves with the response (status and headers) once they arrive. */
function watchAs(api: ApiServerFixture, user: KeyPair, path: string): Promise<{ res: IncomingMessage; close: () => void; body: () => string; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: api.port, path, ca: api.pki.ca.certPem, cert: user.certPem, key: user.keyPem, agent: false }, (res) => {
      let text = '';
      const ended = new Promise<void>((done) => res.on('close', done));
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('error', () => undefined);
      resolve({ res, close: () => req.destroy(), body: () => text, ended });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A raw TLS connection as the admin: what a slow client sends, and everything the server answers until it closes. */
function rawClient(api: ApiServerFixture): Promise<{ socket: tls.TLSSocket; closed: Promise<{ text: string; atMs: number }> }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = tls.connect({ host: '127.0.0.1', port: api.port, ca: api.pki.ca.certPem, cert: api.admin.certPem, key: api.admin.keyPem, servername: 'localhost' }, () => {
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
      const closed = new Promise<{ text: string; atMs: number }>((done) => socket.on('close', () => done({ text, atMs: Date.now() - started })));
      resolve({ socket, closed });
    });
    socket.on('error', (err) => (socket.readyState === 'opening' ? reject(err) : undefined));
  });
}

function statusLine(text: string): string {
  return text.split('\r\n')[0];
}

function bodyOf(text: string): Record<string, unknown> {
  return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
}

describe('API server limits and timeouts (real etcd)', function () {
  this.timeout(30_000);
  const etcd = withEtcd();

  describe('in-flight requests', () => {
    const gate = gatedGets();
    let api: ApiServerFixture;
    before(async () => {
      api = await startApiServerFixture(etcd.get(), { wrapStore: gate.wrap, server: { limits: { maxRequestsInFlight: 2, maxMutatingRequestsInFlight: 1, maxQueued: 1 } } });
    });
    after(async () => {
      gate.release();
      await api?.stop();
    });

    it('queues reads past the limit, answers those past the queue with 429 TooManyRequests and Retry-After: 1, and serves the queued once one finishes', async () => {
      const held = [api.request('GET', '/api/v1/namespaces/default/pods/slow'), api.request('GET', '/api/v1/namespaces/default/pods/slow')];
      await until(() => gate.waiting.length === 2, { timeoutMs: 5000, describe: () => `${gate.waiting.length} held` });
      const queued = api.request('GET', '/api/v1/namespaces/default/pods');
      await until(() => api.server.limitCounts().queued === 1, { timeoutMs: 5000, describe: () => JSON.stringify(api.server.limitCounts()) });
      const refused = await api.request('GET', '/api/v1/namespaces/default/pods');
      assert.equal(refused.status, 429);
      assert.equal(refused.headers['retry-after'], '1');
      assert.equal(refused.json().reason, 'TooManyRequests');
      assert.equal(refused.json().details.retryAfterSeconds, 1);
      // writes have their own limit
      assert.equal((await api.request('POST', '/api/v1/namespaces/default/pods', { body: aPod('w') })).status, 201);
      gate.release();
      assert.deepEqual((await Promise.all(held)).map((r) => r.status), [404, 404]);
      assert.equal((await queued).status, 200);
      assert.equal((await api.request('GET', '/api/v1/namespaces/default/pods')).status, 200);
    });

    it('never limits health checks and version', async () => {
      const held = [api.request('GET', '/api/v1/namespaces/default/pods/slow'), api.request('GET', '/api/v1/namespaces/default/pods/slow')];
      await until(() => gate.waiting.length === 2, { timeoutMs: 5000 });
      assert.equal((await api.request('GET', '/readyz')).status, 200);
      assert.equal((await api.request('GET', '/version')).status, 200);
      gate.release();
      await Promise.all(held);
    });
  });

  describe('watches', () => {
    let api: ApiServerFixture;
    let bob: KeyPair;
    before(async () => {
      api = await startApiServerFixture(etcd.get(), { server: { limits: { maxWatchesPerUser: 2, maxWatches: 3 } } });
      bob = issueCertificate(api.pki.ca, { commonName: 'bob', organizations: ['system:masters'], usages: ['clientAuth'] });
    });
    after(async () => api?.stop());

    it('answers a watch past the per-user and the total limit with 429 and Retry-After: 1, and admits again once one closes', async () => {
      const PODS = '/api/v1/namespaces/default/pods?watch=true';
      const open = [await watchAs(api, api.admin, PODS), await watchAs(api, api.admin, PODS)];
      const third = await watchAs(api, api.admin, PODS);
      await third.ended;
      assert.equal(third.res.statusCode, 429);
      assert.equal(third.res.headers['retry-after'], '1');
      assert.match(JSON.parse(third.body()).message as string, /watches open for this user/);
      open.push(await watchAs(api, bob, PODS));
      assert.equal(open[2].res.statusCode, 200);
      const fourth = await watchAs(api, bob, PODS);
      assert.equal(fourth.res.statusCode, 429);
      fourth.close();
      open.shift()?.close();
      await until(async () => {
        const again = await watchAs(api, bob, PODS);
        again.close();
        return again.res.statusCode === 200;
      }, { timeoutMs: 5000 });
      for (const w of open) w.close();
    });
  });

  describe('slow clients', () => {
    const logged: string[] = [];
    let api: ApiServerFixture;
    before(async () => {
      const breakGets = (store: Store): Store => new Proxy(store, {
        get(target, prop, receiver) {
          if (prop !== 'get') return Reflect.get(target, prop, receiver) as unknown;
          return async (key: string) => {
            if (key.includes('/boom')) throw new Error(`disk on fire at ${key}`);
            return target.get(key);
          };
        },
      });
      api = await startApiServerFixture(etcd.get(), {
        wrapStore: breakGets,
        server: { timeouts: { headersMs: 1000, requestMs: 1500 }, limits: { maxMutatingRequestsInFlight: 1 }, watch: { bookmarkIntervalMs: 200 }, log: (line) => logged.push(line) },
      });
    });
    after(async () => api?.stop());

    it('answers a body that does not arrive in time with a 408 Status, closes the socket and frees its slot', async () => {
      const { socket, closed } = await rawClient(api);
      socket.write('POST /api/v1/namespaces/default/pods HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"metadata":');
      const timer = setInterval(() => socket.writable && socket.write(' '), 200); // a byte now and then: still too slow
      const { text, atMs } = await closed;
      clearInterval(timer);
      assert.equal(statusLine(text), 'HTTP/1.1 408 Request Timeout');
      assert.equal(bodyOf(text).reason, 'Timeout');
      assert.ok(atMs >= 1400 && atMs < 4000, `cut after ${atMs} ms`);
      console.log(`      (a slow body was cut after ${atMs} ms with requestMs 1500)`);
      // The only write slot the slow client held is free again.
      await until(async () => (await api.request('POST', '/api/v1/namespaces/default/pods', { body: aPod(`after-slow-${Date.now()}`) })).status === 201, { timeoutMs: 3000 });
      assert.deepEqual(logged, [], 'a client cut for being slow is no server error');
    });

    it('closes a connection whose headers do not arrive in time, and one that sends nothing', async () => {
      const slow = await rawClient(api);
      slow.socket.write('GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\n');
      const silent = await rawClient(api);
      const [a, b] = await Promise.all([slow.closed, silent.closed]);
      assert.equal(statusLine(a.text), 'HTTP/1.1 408 Request Timeout');
      assert.ok(a.atMs < 4000 && b.atMs < 4000, `closed after ${a.atMs} and ${b.atMs} ms`);
    });

    it('keeps a watch open far past the request timeout', async () => {
      const w = await openWatch(api, '/api/v1/namespaces/default/pods?watch=true&allowWatchBookmarks=true');
      try {
        await new Promise((r) => setTimeout(r, 3000));
        await api.request('POST', '/api/v1/namespaces/default/pods', { body: aPod('late') });
        await until(() => w.events.some((e) => e.type === 'ADDED' && e.object.metadata.name === 'late'), { timeoutMs: 5000, describe: () => JSON.stringify(w.events.slice(-3)) });
      } finally {
        w.close();
      }
    });

    it('escapes control characters and NUL in what it logs', async () => {
      const res = await api.request('GET', '/api/v1/namespaces/default/pods/boom%00%0Aapiserver:%20forged');
      assert.equal(res.status, 500);
      const line = logged.find((l) => l.includes('disk on fire'));
      assert.ok(line, JSON.stringify(logged));
      assert.doesNotMatch(line, /[\u0000-\u001f]/);
      assert.match(line, /boom\\u0000\\napiserver: forged/);
    });
  });
});
