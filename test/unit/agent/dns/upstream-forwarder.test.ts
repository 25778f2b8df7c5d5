import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { CLASS_IN, Rcode, RecordType } from '../../../../agent/dns/dns-constants';
import { decodeMessage } from '../../../../agent/dns/dns-decoder';
import { encodeMessage } from '../../../../agent/dns/dns-encoder';
import { noFlags } from '../../../../agent/dns/dns-message';
import { parseUpstreamAddress, type UpstreamAddress } from '../../../../agent/dns/upstream-address';
import { UpstreamForwarder } from '../../../../agent/dns/upstream-forwarder';
import { aRecord, answering, replyTo, startFakeTcpUpstream, startFakeUdpUpstream, type FakeUpstream } from './fake-upstream';
import { spyOnSockets } from './socket-spy';

function query(name: string, id = 0x4242): Buffer {
  return encodeMessage({ id, flags: { ...noFlags(), rd: true }, questions: [{ name, type: RecordType.A, class: CLASS_IN }], answers: [], authority: [], additional: [] });
}

function addressOf(upstream: FakeUpstream): UpstreamAddress {
  return parseUpstreamAddress(upstream.address) as UpstreamAddress;
}

/** A loopback UDP port with nothing listening (bound, read, closed). */
async function closedPort(): Promise<UpstreamAddress> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return { host: '127.0.0.1', port };
}

function firstAddress(response: Buffer | undefined): string | undefined {
  const data = response === undefined ? undefined : decodeMessage(response).answers[0]?.data;
  return data?.kind === 'address' ? data.address : undefined;
}

describe('upstream forwarder', () => {
  const upstreams: FakeUpstream[] = [];
  const signal = new AbortController().signal;
  const start = async (kind: 'udp' | 'tcp', behaviour: Parameters<typeof startFakeUdpUpstream>[0]): Promise<FakeUpstream> => {
    const upstream = await (kind === 'udp' ? startFakeUdpUpstream(behaviour) : startFakeTcpUpstream(behaviour));
    upstreams.push(upstream);
    return upstream;
  };
  afterEach(async () => {
    await Promise.all(upstreams.splice(0).map((u) => u.close()));
  });

  it('returns the upstream answer under the client\'s id, having sent the query under fresh ids', async () => {
    const upstream = await start('udp', answering('192.0.2.7'));
    const forwarder = new UpstreamForwarder([addressOf(upstream)], 1000);
    for (let i = 0; i < 4; i++) {
      const response = await forwarder.forward(query('example.com'), 'udp', signal);
      assert.equal(response?.readUInt16BE(0), 0x4242);
      assert.equal(firstAddress(response), '192.0.2.7');
    }
    assert.deepEqual(upstream.received.map((q) => q.questions[0]?.name), Array(4).fill('example.com'));
    assert.ok(upstream.received.some((q) => q.id !== 0x4242), 'the client id is not reused upstream');
  });

  it('ignores an answer with another id or question and takes the real one that follows', async () => {
    const upstream = await start('udp', (q) => [
      replyTo(q, 0, [aRecord('example.com', '203.0.113.66')], q.id ^ 1),
      replyTo({ ...q, questions: [{ name: 'evil.example', type: RecordType.A, class: CLASS_IN }] }, 0, [aRecord('evil.example', '203.0.113.66')]),
      replyTo(q, 0, [aRecord('example.com', '192.0.2.7')]),
    ]);
    const response = await new UpstreamForwarder([addressOf(upstream)], 1000).forward(query('example.com'), 'udp', signal);
    assert.equal(firstAddress(response), '192.0.2.7');
  });

  it('moves on to the next upstream when one stays silent past the timeout', async () => {
    const silent = await start('udp', () => []);
    const good = await start('udp', answering('192.0.2.8'));
    const started = Date.now();
    const response = await new UpstreamForwarder([addressOf(silent), addressOf(good)], 150).forward(query('example.com'), 'udp', signal);
    assert.equal(firstAddress(response), '192.0.2.8');
    assert.ok(Date.now() - started >= 140, 'the silent upstream had its timeout');
    assert.equal(silent.received.length, 1);
  });

  it('moves on past SERVFAIL and REFUSED, but takes NXDOMAIN as the answer', async () => {
    const failing = await start('udp', (q) => [replyTo(q, Rcode.SERVFAIL, [])]);
    const refusing = await start('udp', (q) => [replyTo(q, Rcode.REFUSED, [])]);
    const nxdomain = await start('udp', (q) => [replyTo(q, Rcode.NXDOMAIN, [])]);
    const never = await start('udp', answering('192.0.2.9'));
    const forwarder = new UpstreamForwarder([failing, refusing, nxdomain, never].map(addressOf), 1000);
    const response = await forwarder.forward(query('nope.example'), 'udp', signal);
    assert.equal(response === undefined ? undefined : decodeMessage(response).flags.rcode, Rcode.NXDOMAIN);
    assert.equal(never.received.length, 0);
  });

  it('gives up quickly on an upstream port where nothing listens', async () => {
    const good = await start('udp', answering('192.0.2.10'));
    const started = Date.now();
    const response = await new UpstreamForwarder([await closedPort(), addressOf(good)], 2000).forward(query('example.com'), 'udp', signal);
    assert.equal(firstAddress(response), '192.0.2.10');
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  });

  it('returns nothing when every upstream fails', async () => {
    const failing = await start('udp', (q) => [replyTo(q, Rcode.SERVFAIL, [])]);
    const silent = await start('udp', () => []);
    assert.equal(await new UpstreamForwarder([addressOf(failing), addressOf(silent)], 100).forward(query('example.com'), 'udp', signal), undefined);
  });

  it('sends nothing anywhere when it has no upstreams', async () => {
    const spy = spyOnSockets();
    try {
      assert.equal(await new UpstreamForwarder([], 2000).forward(query('example.com'), 'udp', signal), undefined);
      assert.equal(await new UpstreamForwarder([], 2000).forward(query('example.com'), 'tcp', signal), undefined);
      assert.equal(spy.opened(), 0);
      await new UpstreamForwarder([await closedPort()], 2000).forward(query('example.com'), 'udp', signal);
      assert.equal(spy.opened(), 2, 'the spy sees sockets (the port probe and the forward)');
    } finally {
      spy.restore();
    }
  });

  it('forwards over TCP when the client asked over TCP', async () => {
    const upstream = await start('tcp', answering('192.0.2.11'));
    const response = await new UpstreamForwarder([addressOf(upstream)], 1000).forward(query('example.com', 7), 'tcp', signal);
    assert.equal(response?.readUInt16BE(0), 7);
    assert.equal(firstAddress(response), '192.0.2.11');
  });

  it('stops waiting when its signal aborts', async () => {
    const silent = await start('udp', () => []);
    const controller = new AbortController();
    const pending = new UpstreamForwarder([addressOf(silent), addressOf(silent)], 5000).forward(query('example.com'), 'udp', controller.signal);
    setImmediate(() => controller.abort());
    const started = Date.now();
    assert.equal(await pending, undefined);
    assert.ok(Date.now() - started < 1000);
    assert.equal(silent.received.length <= 1, true);
  });
});
