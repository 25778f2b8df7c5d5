import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildClusterDnsIndex } from '../../../../agent/dns/cluster-dns-index';
import { CLASS_IN, Rcode, RecordType } from '../../../../agent/dns/dns-constants';
import { decodeMessage } from '../../../../agent/dns/dns-decoder';
import { encodeMessage } from '../../../../agent/dns/dns-encoder';
import { noFlags, type DnsMessage, type DnsRecord } from '../../../../agent/dns/dns-message';
import { answerPacket, type QueryContext } from '../../../../agent/dns/dns-query-handler';
import { parseUpstreamAddress, type UpstreamAddress } from '../../../../agent/dns/upstream-address';
import { UpstreamForwarder, type Transport } from '../../../../agent/dns/upstream-forwarder';
import { aService, aSlice, anEndpoint } from './dns-objects';
import { answering, startFakeUdpUpstream, type FakeUpstream } from './fake-upstream';
import { spyOnSockets } from './socket-spy';

const Z = 'cluster.local';
const OPT = (size: number): DnsRecord => ({ name: '', type: RecordType.OPT, class: size, ttl: 0, data: { kind: 'raw', bytes: Buffer.alloc(0) } });

const index = buildClusterDnsIndex(Z, [
  aService('web').clusterIP('10.43.0.10').port('http', 80).build(),
  aService('big').headless().port('web', 80).build(),
  aService('ext').externalName('example.com').build(),
], [aSlice('big', Array.from({ length: 60 }, (_, i) => anEndpoint(`10.42.${i}.5`)), [{ name: 'web', port: 80, protocol: 'TCP' }])], 1);

function queryMessage(name: string, type: number, fields: Partial<DnsMessage> = {}): DnsMessage {
  return { id: 0x1234, flags: { ...noFlags(), rd: true }, questions: [{ name, type, class: CLASS_IN }], answers: [], authority: [], additional: [], ...fields };
}

function context(upstreams: UpstreamAddress[] = [], transport: Transport = 'udp'): QueryContext {
  return { index, forwarder: new UpstreamForwarder(upstreams, 500), transport, signal: new AbortController().signal, log: () => undefined };
}

async function ask(packet: Buffer, ctx = context()): Promise<{ bytes: Buffer; message: DnsMessage }> {
  const bytes = await answerPacket(packet, ctx);
  assert.ok(bytes !== undefined, 'an answer was sent');
  return { bytes, message: decodeMessage(bytes) };
}

describe('dns query handling', () => {
  it('answers a cluster name authoritatively, echoing id, question and RD, offering recursion', async () => {
    const { message } = await ask(encodeMessage(queryMessage(`web.default.svc.${Z}`, RecordType.A)));
    assert.equal(message.id, 0x1234);
    assert.deepEqual(message.flags, { ...noFlags(), qr: true, aa: true, rd: true, ra: true });
    assert.deepEqual(message.questions, [{ name: `web.default.svc.${Z}`, type: RecordType.A, class: CLASS_IN }]);
    assert.deepEqual(message.answers.map((a) => a.data), [{ kind: 'address', address: '10.43.0.10' }]);
  });

  it('answers FORMERR to a query with a well-formed header but a broken body', async () => {
    const packet = Buffer.concat([encodeMessage(queryMessage(`web.default.svc.${Z}`, RecordType.A)).subarray(0, 20)]);
    const { message } = await ask(packet);
    assert.deepEqual([message.id, message.flags.rcode, message.questions.length], [0x1234, Rcode.FORMERR, 0]);
  });

  it('drops packets shorter than a header, and packets that are responses', async () => {
    assert.equal(await answerPacket(Buffer.from([1, 2, 3]), context()), undefined);
    const response = queryMessage(`web.default.svc.${Z}`, RecordType.A, { flags: { ...noFlags(), qr: true } });
    assert.equal(await answerPacket(encodeMessage(response), context()), undefined);
  });

  it('answers NOTIMP to other opcodes, FORMERR to zero or two questions and to two OPT records', async () => {
    const update = queryMessage(Z, RecordType.SOA, { flags: { ...noFlags(), opcode: 5 } });
    assert.equal((await ask(encodeMessage(update))).message.flags.rcode, Rcode.NOTIMP);
    assert.equal((await ask(encodeMessage(queryMessage(Z, RecordType.A, { questions: [] })))).message.flags.rcode, Rcode.FORMERR);
    const two = queryMessage(Z, RecordType.A);
    two.questions.push({ name: `web.default.svc.${Z}`, type: RecordType.A, class: CLASS_IN });
    assert.equal((await ask(encodeMessage(two))).message.flags.rcode, Rcode.FORMERR);
    assert.equal((await ask(encodeMessage(queryMessage(Z, RecordType.A, { additional: [OPT(1232), OPT(1232)] })))).message.flags.rcode, Rcode.FORMERR);
  });

  it('truncates a UDP answer to 512 bytes with TC, unless EDNS0 advertised more or the query came over TCP', async () => {
    const plain = await ask(encodeMessage(queryMessage(`big.default.svc.${Z}`, RecordType.A)));
    assert.ok(plain.bytes.length <= 512 && plain.message.flags.tc, `${plain.bytes.length} bytes, tc=${plain.message.flags.tc}`);
    const edns = await ask(encodeMessage(queryMessage(`big.default.svc.${Z}`, RecordType.A, { additional: [OPT(4096)] })));
    assert.deepEqual([edns.message.flags.tc, edns.message.answers.length], [false, 60]);
    assert.deepEqual(edns.message.additional.map((r) => [r.type, r.class]), [[RecordType.OPT, 1232]]);
    const small = await ask(encodeMessage(queryMessage(`big.default.svc.${Z}`, RecordType.A, { additional: [OPT(600)] })));
    assert.ok(small.bytes.length <= 600 && small.message.flags.tc);
    const tcp = await ask(encodeMessage(queryMessage(`big.default.svc.${Z}`, RecordType.A)), context([], 'tcp'));
    assert.deepEqual([tcp.message.flags.tc, tcp.message.answers.length], [false, 60]);
  });

  it('answers SERVFAIL at once for an outside name when there are no upstreams, sending nothing', async () => {
    const spy = spyOnSockets();
    try {
      const started = Date.now();
      const { message } = await ask(encodeMessage(queryMessage('example.com', RecordType.A)));
      assert.deepEqual([message.flags.rcode, message.flags.qr, message.id], [Rcode.SERVFAIL, true, 0x1234]);
      assert.ok(Date.now() - started < 100);
      assert.equal(spy.opened(), 0);
    } finally {
      spy.restore();
    }
  });

  describe('with an upstream', () => {
    let upstream: FakeUpstream;
    beforeEach(async () => {
      upstream = await startFakeUdpUpstream(answering('192.0.2.7'));
    });
    afterEach(() => upstream.close());

    it('relays the upstream answer for an outside name', async () => {
      const { message } = await ask(encodeMessage(queryMessage('example.com', RecordType.A)), context([parseUpstreamAddress(upstream.address) as UpstreamAddress]));
      assert.equal(message.id, 0x1234);
      assert.deepEqual(message.answers.map((a) => a.data), [{ kind: 'address', address: '192.0.2.7' }]);
    });

    it('follows an ExternalName CNAME upstream so that stub resolvers get addresses', async () => {
      const { message } = await ask(encodeMessage(queryMessage(`ext.default.svc.${Z}`, RecordType.A)), context([parseUpstreamAddress(upstream.address) as UpstreamAddress]));
      assert.deepEqual(message.answers.map((a) => [a.name, a.type, a.data]), [
        [`ext.default.svc.${Z}`, RecordType.CNAME, { kind: 'name', target: 'example.com' }],
        ['example.com', RecordType.A, { kind: 'address', address: '192.0.2.7' }],
      ]);
      assert.deepEqual(upstream.received.map((q) => q.questions), [[{ name: 'example.com', type: RecordType.A, class: CLASS_IN }]]);
    });

    it('never sends a cluster name upstream, known or not', async () => {
      const ctx = context([parseUpstreamAddress(upstream.address) as UpstreamAddress]);
      for (const name of [`web.default.svc.${Z}`, `nope.default.svc.${Z}`, `x.y.z.${Z}`]) await ask(encodeMessage(queryMessage(name, RecordType.A)), ctx);
      assert.equal(upstream.received.length, 0);
    });
  });

  it('keeps the bare CNAME when the ExternalName target cannot be chased', async () => {
    const { message } = await ask(encodeMessage(queryMessage(`ext.default.svc.${Z}`, RecordType.A)));
    assert.deepEqual([message.flags.rcode, message.answers.map((a) => a.type)], [Rcode.NOERROR, [RecordType.CNAME]]);
  });

  it('answers or drops whatever bytes arrive, and never throws', async () => {
    const valid = encodeMessage(queryMessage(`web.default.svc.${Z}`, RecordType.A, { additional: [OPT(1232)] }));
    const mutated = fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }).map((edits) => {
      const bytes = Buffer.from(valid);
      for (const [at, value] of edits) bytes[at] = value;
      return bytes;
    });
    const packets = fc.oneof(fc.uint8Array({ maxLength: 100 }).map((b) => Buffer.from(b)), mutated);
    await fc.assert(fc.asyncProperty(packets, async (packet) => {
      const reply = await answerPacket(packet, context());
      if (reply !== undefined) assert.equal(decodeMessage(reply).flags.qr, true);
    }), { numRuns: 500 });
  });
});
