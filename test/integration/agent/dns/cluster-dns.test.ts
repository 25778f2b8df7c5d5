/**
 * The cluster DNS server on 127.0.0.1, asked by real clients: busybox nslookup (UDP), Node's
 * c-ares resolver (UDP, retrying over TCP on TC), and raw DNS over TCP. The upstream is a fake
 * resolver on 127.0.0.1: nothing leaves loopback.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { connect, createServer } from 'node:net';
import { ClusterDns } from '../../../../agent/dns/cluster-dns';
import { CLASS_IN, Rcode, RecordType } from '../../../../agent/dns/dns-constants';
import { decodeMessage } from '../../../../agent/dns/dns-decoder';
import { encodeMessage } from '../../../../agent/dns/dns-encoder';
import { noFlags, type DnsMessage } from '../../../../agent/dns/dns-message';
import { DnsTcpFramer, frameMessage } from '../../../../agent/dns/dns-tcp-framing';
import { aService, aSlice, anEndpoint } from '../../../unit/agent/dns/dns-objects';
import { answering, startFakeTcpUpstream, startFakeUdpUpstream, type FakeUpstream } from '../../../unit/agent/dns/fake-upstream';

const Z = 'cluster.local';

interface Run {
  code: number;
  out: string;
}

/** busybox nslookup against the server (async: the server runs in this process). */
function nslookup(port: number, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('/bin/busybox', ['nslookup', '-timeout=2', '-retry=1', ...args, `127.0.0.1:${port}`], { timeout: 10_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

function resolverFor(port: number): Resolver {
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  return resolver;
}

/** Sends `queries` over one TCP connection at once and collects the answers until all came or the server hung up. */
function overTcp(port: number, queries: DnsMessage[]): Promise<DnsMessage[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const framer = new DnsTcpFramer();
    const answers: DnsMessage[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error(`only ${answers.length} answers over TCP`)));
    socket.once('error', reject);
    socket.once('close', () => resolve(answers));
    socket.once('connect', () => socket.write(Buffer.concat(queries.map((q) => frameMessage(encodeMessage(q))))));
    socket.on('data', (chunk) => {
      answers.push(...framer.push(chunk).map(decodeMessage));
      if (answers.length === queries.length) socket.end(() => resolve(answers));
    });
  });
}

/** A loopback UDP port that was free a moment ago. */
/** A loopback port free for UDP and for TCP at once (the server binds both); other processes may hold either. */
async function freeDnsPort(): Promise<number> {
  for (;;) {
    const probe = createSocket('udp4');
    await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
    const port = probe.address().port;
    const tcp = createServer();
    const tcpFree = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (tcpFree) await new Promise<void>((resolve) => tcp.close(() => resolve()));
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    if (tcpFree) return port;
  }
}

/** Polls `condition` every 10 ms for up to 3 s. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function query(id: number, name: string, type: number): DnsMessage {
  return { id, flags: { ...noFlags(), rd: true }, questions: [{ name, type, class: CLASS_IN }], answers: [], authority: [], additional: [] };
}

function cluster(): Parameters<ClusterDns['update']> {
  return [
    [
      aService('web').clusterIP('10.43.0.10').port('http', 80).build(),
      aService('nginx').headless().port('web', 80).build(),
      aService('ext').externalName('example.test').build(),
      aService('big').headless().port('web', 80).build(),
    ],
    [
      aSlice('nginx', [anEndpoint('10.42.1.10', { hostname: 'web-0' }), anEndpoint('10.42.2.11', { hostname: 'web-1' }), anEndpoint('10.42.3.12', { hostname: 'web-2', ready: false })], [{ name: 'web', port: 80, protocol: 'TCP' }]),
      aSlice('big', Array.from({ length: 100 }, (_, i) => anEndpoint(`10.42.${i}.7`)), [{ name: 'web', port: 80, protocol: 'TCP' }]),
    ],
  ];
}

describe('cluster DNS server (real clients on loopback)', function () {
  this.timeout(20_000);
  let upstream: FakeUpstream;
  let dns: ClusterDns;
  let port: number;
  const logged: string[] = [];

  before(async () => {
    upstream = await startFakeUdpUpstream(answering('192.0.2.7'));
    dns = new ClusterDns({ domain: Z, upstreams: [upstream.address, 'not-an-address'], upstreamTimeoutMs: 1000, log: (m) => logged.push(m) });
    dns.update(...cluster());
    ({ port } = await dns.listen('127.0.0.1', 0));
  });

  after(async () => {
    await dns.close();
    await upstream.close();
  });

  it('reports the port it bound and logs the upstream it skipped', () => {
    assert.ok(port > 0);
    assert.ok(logged.some((m) => m.includes('not-an-address')), logged.join('\n'));
  });

  it('gives busybox nslookup the ClusterIP of a service', async () => {
    const run = await nslookup(port, '-type=a', `web.default.svc.${Z}`);
    assert.equal(run.code, 0, run.out);
    assert.match(run.out, /Name:\s+web\.default\.svc\.cluster\.local\s+Address: 10\.43\.0\.10/);
  });

  it('gives busybox nslookup the ready pod IPs of a headless service and a StatefulSet pod by hostname', async () => {
    const all = await nslookup(port, '-type=a', `nginx.default.svc.${Z}`);
    assert.deepEqual([...all.out.matchAll(/Address: (10\.42\.\d+\.\d+)/g)].map((m) => m[1]).sort(), ['10.42.1.10', '10.42.2.11']);
    const one = await nslookup(port, '-type=a', `web-1.nginx.default.svc.${Z}`);
    assert.match(one.out, /Address: 10\.42\.2\.11/);
  });

  it('gives busybox nslookup SRV records for a named port', async () => {
    const run = await nslookup(port, '-type=srv', `_http._tcp.web.default.svc.${Z}`);
    assert.equal(run.code, 0, run.out);
    assert.match(run.out, /service = 0 100 80 web\.default\.svc\.cluster\.local/);
  });

  it('gives busybox nslookup the CNAME of an ExternalName service', async () => {
    const run = await nslookup(port, '-type=cname', `ext.default.svc.${Z}`);
    assert.match(run.out, /canonical name = example\.test/);
  });

  it('tells busybox nslookup NXDOMAIN for an unknown service', async () => {
    const run = await nslookup(port, '-type=a', `nope.default.svc.${Z}`);
    assert.notEqual(run.code, 0);
    assert.match(run.out, /can't find nope\.default\.svc\.cluster\.local: NXDOMAIN/);
  });

  it('forwards other names to the upstream for busybox nslookup', async () => {
    const run = await nslookup(port, '-type=a', 'www.example.test');
    assert.match(run.out, /Address: 192\.0\.2\.7/);
    assert.ok(upstream.received.some((q) => q.questions[0]?.name === 'www.example.test'));
  });

  it('answers Node\'s resolver: A, SRV, NXDOMAIN, and an ExternalName followed to its address', async () => {
    const resolver = resolverFor(port);
    assert.deepEqual(await resolver.resolve4(`web.default.svc.${Z}`), ['10.43.0.10']);
    assert.deepEqual(await resolver.resolveSrv(`_web._tcp.nginx.default.svc.${Z}`), [
      { name: `web-0.nginx.default.svc.${Z}`, port: 80, priority: 0, weight: 50 },
      { name: `web-1.nginx.default.svc.${Z}`, port: 80, priority: 0, weight: 50 },
    ]);
    await assert.rejects(resolver.resolve4(`nope.default.svc.${Z}`), { code: 'ENOTFOUND' });
    assert.deepEqual(await resolver.resolve4(`ext.default.svc.${Z}`), ['192.0.2.7']);
    assert.deepEqual(await resolver.reverse('10.43.0.10'), [`web.default.svc.${Z}`]);
  });

  it('truncates a large UDP answer so that Node\'s resolver retries over TCP and gets every address', async () => {
    const addresses = await resolverFor(port).resolve4(`big.default.svc.${Z}`);
    assert.equal(addresses.length, 100);
  });

  it('answers pipelined queries over one TCP connection', async () => {
    const answers = await overTcp(port, [query(1, `web.default.svc.${Z}`, RecordType.A), query(2, `nope.default.svc.${Z}`, RecordType.A), query(3, `big.default.svc.${Z}`, RecordType.A)]);
    const byId = new Map(answers.map((a) => [a.id, a]));
    assert.deepEqual(byId.get(1)?.answers.map((a) => a.data), [{ kind: 'address', address: '10.43.0.10' }]);
    assert.equal(byId.get(2)?.flags.rcode, Rcode.NXDOMAIN);
    assert.deepEqual([byId.get(3)?.flags.tc, byId.get(3)?.answers.length], [false, 100]);
  });

  it('answers from the new view after update(), and keeps answering with no further updates', async () => {
    const [services, slices] = cluster();
    dns.update([...services, aService('late').clusterIP('10.43.0.99').port('http', 80).build()], slices);
    assert.deepEqual(await resolverFor(port).resolve4(`late.default.svc.${Z}`), ['10.43.0.99']);
    dns.update(...cluster());
    await assert.rejects(resolverFor(port).resolve4(`late.default.svc.${Z}`), { code: 'ENOTFOUND' });
    assert.deepEqual(await resolverFor(port).resolve4(`web.default.svc.${Z}`), ['10.43.0.10']);
  });
});

describe('cluster DNS server lifetime', function () {
  this.timeout(10_000);
  it('rejects listen when the TCP port is taken, and leaves the UDP port free again', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    const dns = new ClusterDns({ domain: Z, upstreams: [] });
    try {
      await assert.rejects(dns.listen('127.0.0.1', taken), { code: 'EADDRINUSE' });
      const probe = createSocket('udp4');
      await new Promise<void>((resolve, reject) => probe.once('error', reject).bind(taken, '127.0.0.1', resolve));
      await new Promise<void>((resolve) => probe.close(() => resolve()));
    } finally {
      await dns.close();
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('frees both ports on close, so another server can bind them', async () => {
    const first = new ClusterDns({ domain: Z, upstreams: [] });
    const { port } = await first.listen('127.0.0.1', 0);
    await first.close();
    await first.close();
    const second = new ClusterDns({ domain: Z, upstreams: [] });
    try {
      assert.deepEqual(await second.listen('127.0.0.1', port), { port });
    } finally {
      await second.close();
    }
  });

  it('listens again after close, as when the pod bridge address changes, and refuses a second listen while serving', async () => {
    const dns = new ClusterDns({ domain: Z, upstreams: [] });
    try {
      dns.update(...cluster());
      await dns.listen('127.0.0.1', 0);
      await assert.rejects(dns.listen('127.0.0.1', 0), /already listening/);
      await dns.close();
      const { port } = await dns.listen('127.0.0.1', 0);
      assert.deepEqual(await resolverFor(port).resolve4(`web.default.svc.${Z}`), ['10.43.0.10']);
    } finally {
      await dns.close();
    }
  });

  it('does not forward to its own address', async () => {
    const own = await freeDnsPort();
    const logged: string[] = [];
    const dns = new ClusterDns({ domain: Z, upstreams: [`127.0.0.1:${own}`], log: (m) => logged.push(m) });
    try {
      await dns.listen('127.0.0.1', own);
      const [answer] = await overTcp(own, [query(1, 'example.com', RecordType.A)]);
      assert.equal(answer?.flags.rcode, Rcode.SERVFAIL);
      assert.ok(logged.some((m) => m.includes('that is this server')), logged.join('\n'));
    } finally {
      await dns.close();
    }
  });

  it('gives back the ports of a listen that a close overtook', async () => {
    const port = await freeDnsPort();
    const dns = new ClusterDns({ domain: Z, upstreams: [] });
    const pending = dns.listen('127.0.0.1', port);
    await dns.close();
    await assert.rejects(pending, /closed while it was binding/);
    const other = new ClusterDns({ domain: Z, upstreams: [] });
    try {
      assert.deepEqual(await other.listen('127.0.0.1', port), { port });
    } finally {
      await other.close();
    }
  });

  it('can listen after a failed bind', async () => {
    const blocker = createSocket('udp4');
    await new Promise<void>((resolve) => blocker.bind(0, '127.0.0.1', resolve));
    const dns = new ClusterDns({ domain: Z, upstreams: [] });
    try {
      await assert.rejects(dns.listen('127.0.0.1', blocker.address().port), { code: 'EADDRINUSE' });
      assert.ok((await dns.listen('127.0.0.1', 0)).port > 0);
    } finally {
      await dns.close();
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('closes cleanly while upstream queries are in flight over UDP and TCP', async () => {
    // UDP queries wait on the first upstream; TCP ones find no TCP listener there and wait on the second.
    const silent = await startFakeUdpUpstream(() => []);
    const silentTcp = await startFakeTcpUpstream(() => []);
    const dns = new ClusterDns({ domain: Z, upstreams: [silent.address, silentTcp.address], upstreamTimeoutMs: 5000 });
    const failures: unknown[] = [];
    const onFailure = (err: unknown): number => failures.push(err);
    process.on('unhandledRejection', onFailure).on('uncaughtException', onFailure);
    try {
      const { port } = await dns.listen('127.0.0.1', 0);
      const client = createSocket('udp4');
      client.send(encodeMessage(query(9, 'slow.example', RecordType.A)), port, '127.0.0.1');
      const tcp = overTcp(port, [query(10, 'slow.example', RecordType.A)]);
      await until(() => silent.received.length === 1 && silentTcp.received.length === 1, 'both queries reached an upstream');
      await dns.close();
      assert.deepEqual(await tcp, [], 'the connection closed without an answer');
      await new Promise((resolve) => setImmediate(resolve));
      client.close();
      assert.deepEqual(failures, []);
    } finally {
      process.off('unhandledRejection', onFailure).off('uncaughtException', onFailure);
      await dns.close();
      await silent.close();
      await silentTcp.close();
    }
  });

  it('answers SERVFAIL for outside names with no upstreams, and SERVFAIL for cluster names before the first update', async () => {
    const dns = new ClusterDns({ domain: Z, upstreams: [] });
    const { port } = await dns.listen('127.0.0.1', 0);
    try {
      const [outside, early] = await overTcp(port, [query(1, 'example.com', RecordType.A), query(2, `web.default.svc.${Z}`, RecordType.A)]);
      assert.deepEqual([outside?.flags.rcode, early?.flags.rcode], [Rcode.SERVFAIL, Rcode.SERVFAIL]);
    } finally {
      await dns.close();
    }
  });
});
