import assert from 'node:assert/strict';
import { CLASS_IN, RecordType } from '../../../../agent/dns/dns-constants';
import { decodeMessage } from '../../../../agent/dns/dns-decoder';
import { encodeMessage } from '../../../../agent/dns/dns-encoder';
import { noFlags, type DnsMessage, type DnsRecord } from '../../../../agent/dns/dns-message';

const TTL = 5;

function record(name: string, type: number, data: DnsRecord['data']): DnsRecord {
  return { name, type, class: CLASS_IN, ttl: TTL, data };
}

function aRecord(name: string, address: string): DnsRecord {
  return record(name, RecordType.A, { kind: 'address', address });
}

function message(fields: Partial<DnsMessage> = {}): DnsMessage {
  const flags = { ...noFlags(), qr: true, aa: true, rd: true, ra: true };
  return { id: 0xbeef, flags, questions: [{ name: 'web.default.svc.cluster.local', type: RecordType.A, class: CLASS_IN }], answers: [], authority: [], additional: [], ...fields };
}

const OPT: DnsRecord = { name: '', type: RecordType.OPT, class: 1232, ttl: 0, data: { kind: 'raw', bytes: Buffer.alloc(0) } };

describe('dns message encoding', () => {
  it('round-trips every record kind the server writes or forwards', () => {
    const m = message({
      answers: [
        aRecord('web.default.svc.cluster.local', '10.43.0.10'),
        record('web.default.svc.cluster.local', RecordType.AAAA, { kind: 'address', address: 'fd00:10:43::a' }),
        record('ext.default.svc.cluster.local', RecordType.CNAME, { kind: 'name', target: 'example.com' }),
        record('_http._tcp.web.default.svc.cluster.local', RecordType.SRV, { kind: 'srv', priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }),
        record('10.0.43.10.in-addr.arpa', RecordType.PTR, { kind: 'name', target: 'web.default.svc.cluster.local' }),
        record('example.com', RecordType.MX, { kind: 'mx', preference: 10, exchange: 'mail.example.com' }),
        record('example.com', RecordType.TXT, { kind: 'raw', bytes: Buffer.from('\x05hello') }),
      ],
      authority: [record('cluster.local', RecordType.SOA, { kind: 'soa', mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 1700000000, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 })],
      additional: [aRecord('mail.example.com', '192.0.2.1'), OPT],
    });
    assert.deepEqual(decodeMessage(encodeMessage(m)), m);
  });

  it('round-trips every header flag', () => {
    const flags = { qr: true, opcode: 2, aa: true, tc: true, rd: true, ra: true, ad: true, cd: true, rcode: 3 };
    assert.deepEqual(decodeMessage(encodeMessage(message({ flags }))).flags, flags);
    assert.deepEqual(decodeMessage(encodeMessage(message({ flags: noFlags() }))).flags, noFlags());
  });

  it('compresses repeated names and keeps the case of each one', () => {
    const answers = Array.from({ length: 10 }, (_, i) => aRecord('Web.Default.svc.cluster.local', `10.42.0.${i}`));
    const bytes = encodeMessage(message({ answers }));
    assert.ok(bytes.length < 12 + 35 + 10 * 20, `${bytes.length} bytes: names were not compressed`);
    const decoded = decodeMessage(bytes);
    assert.deepEqual(decoded.answers.map((a) => a.name), Array(10).fill('Web.Default.svc.cluster.local'));
    assert.equal(decoded.questions[0]?.name, 'web.default.svc.cluster.local');
  });

  it('does not compress an SRV target (RFC 2782)', () => {
    const srv = record('_http._tcp.web.default.svc.cluster.local', RecordType.SRV, { kind: 'srv', priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' });
    const bytes = encodeMessage(message({ answers: [srv] }));
    assert.ok(bytes.includes(Buffer.from('\x03web\x07default\x03svc\x07cluster\x05local\x00', 'latin1'), bytes.length - 40), 'the target is spelled out');
  });

  describe('truncation', () => {
    const many = Array.from({ length: 40 }, (_, i) => aRecord('nginx.default.svc.cluster.local', `10.42.${i}.5`));

    it('sets TC and keeps only the answers that fit when the answer section overflows', () => {
      const bytes = encodeMessage(message({ answers: many }), 512);
      const decoded = decodeMessage(bytes);
      assert.ok(bytes.length <= 512, `${bytes.length} bytes`);
      assert.equal(decoded.flags.tc, true);
      assert.ok(decoded.answers.length > 10 && decoded.answers.length < 40, `${decoded.answers.length} answers`);
      assert.deepEqual(decoded.answers, many.slice(0, decoded.answers.length));
    });

    it('leaves TC clear when everything fits, and when only additional records are left out', () => {
      assert.equal(decodeMessage(encodeMessage(message({ answers: many.slice(0, 5) }), 512)).flags.tc, false);
      const decoded = decodeMessage(encodeMessage(message({ answers: many.slice(0, 5), additional: many }), 512));
      assert.equal(decoded.flags.tc, false);
      assert.equal(decoded.answers.length, 5);
      assert.ok(decoded.additional.length < 40);
    });

    it('keeps the OPT record in a truncated answer', () => {
      const decoded = decodeMessage(encodeMessage(message({ answers: many, additional: [OPT] }), 512));
      assert.equal(decoded.flags.tc, true);
      assert.deepEqual(decoded.additional, [OPT]);
    });

    it('drops the authority section with TC when the answers already filled the message', () => {
      const soa = record('cluster.local', RecordType.SOA, { kind: 'soa', mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 5 });
      const decoded = decodeMessage(encodeMessage(message({ answers: many, authority: [soa] }), 512));
      assert.deepEqual([decoded.flags.tc, decoded.authority.length], [true, 0]);
    });
  });

  it('refuses to write an address that does not fit the record type', () => {
    assert.throws(() => encodeMessage(message({ answers: [aRecord('x', '::1')] })), /not an address/);
  });
});
