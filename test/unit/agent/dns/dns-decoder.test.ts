import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CLASS_IN, RecordType } from '../../../../agent/dns/dns-constants';
import { decodeHeader, decodeMessage } from '../../../../agent/dns/dns-decoder';
import { encodeMessage } from '../../../../agent/dns/dns-encoder';
import { DnsFormatError, noFlags, type DnsMessage } from '../../../../agent/dns/dns-message';

/** Header of a query: id, RD set, `qd` questions, no records. */
function header(id: number, qd: number, an = 0): number[] {
  return [id >> 8, id & 0xff, 0x01, 0x00, 0, qd, 0, an, 0, 0, 0, 0];
}

const labels = (name: string): number[] => name.split('.').flatMap((l) => [l.length, ...Buffer.from(l)]);

function isFormatErrorOrMessage(bytes: Uint8Array): boolean {
  try {
    decodeMessage(Buffer.from(bytes));
    return true;
  } catch (err: unknown) {
    return err instanceof DnsFormatError;
  }
}

const sample: DnsMessage = {
  id: 7,
  flags: { ...noFlags(), qr: true, rd: true, ra: true },
  questions: [{ name: '_http._tcp.web.default.svc.cluster.local', type: RecordType.SRV, class: CLASS_IN }],
  answers: [{ name: '_http._tcp.web.default.svc.cluster.local', type: RecordType.SRV, class: CLASS_IN, ttl: 5, data: { kind: 'srv', priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' } }],
  authority: [],
  additional: [{ name: 'web.default.svc.cluster.local', type: RecordType.A, class: CLASS_IN, ttl: 5, data: { kind: 'address', address: '10.43.0.10' } }],
};

describe('dns message decoding', () => {
  it('reads a query whose second question is compressed against the first', () => {
    const bytes = Buffer.from([...header(0x1234, 2), ...labels('web.default.svc.cluster.local'), 0, 0, 1, 0, 1, 3, ...Buffer.from('api'), 0xc0, 16, 0, 28, 0, 1]);
    const m = decodeMessage(bytes);
    assert.equal(m.id, 0x1234);
    assert.equal(m.flags.rd, true);
    assert.deepEqual(m.questions, [
      { name: 'web.default.svc.cluster.local', type: RecordType.A, class: CLASS_IN },
      { name: 'api.default.svc.cluster.local', type: RecordType.AAAA, class: CLASS_IN },
    ]);
  });

  it('rejects a question name that points to itself', () => {
    assert.throws(() => decodeMessage(Buffer.from([...header(1, 1), 0xc0, 12, 0, 1, 0, 1])), DnsFormatError);
  });

  it('rejects messages cut anywhere before their end, with a format error', () => {
    const bytes = encodeMessage(sample);
    for (let length = 0; length < bytes.length; length++) assert.throws(() => decodeMessage(bytes.subarray(0, length)), DnsFormatError, `cut at ${length}`);
    assert.deepEqual(decodeMessage(bytes), sample);
  });

  it('rejects counts that promise more records than the message holds', () => {
    assert.throws(() => decodeMessage(Buffer.from([...header(1, 1, 3), ...labels('a'), 0, 0, 1, 0, 1])), DnsFormatError);
  });

  it('rejects an A record whose data is not 4 bytes, and record data longer than the message', () => {
    const record = (rdlength: number, data: number[]): Buffer => Buffer.from([...header(1, 0, 1), 0, 0, 1, 0, 1, 0, 0, 0, 5, 0, rdlength, ...data]);
    assert.throws(() => decodeMessage(record(3, [1, 2, 3])), /expected 4/);
    assert.throws(() => decodeMessage(record(9, [1, 2, 3, 4])), DnsFormatError);
    assert.equal(decodeMessage(record(4, [1, 2, 3, 4])).answers[0]?.data.kind, 'address');
  });

  it('keeps a name in record data from reaching past the data', () => {
    // CNAME data of 2 bytes holding the start of a longer name: the name must end inside its data.
    const bytes = Buffer.from([...header(1, 0, 1), 0, 0, 5, 0, 1, 0, 0, 0, 5, 0, 2, 3, 0x61, 0x62, 0x63, 0]);
    assert.throws(() => decodeMessage(bytes), DnsFormatError);
  });

  it('reads the header of anything of 12 bytes or more, and nothing shorter', () => {
    assert.equal(decodeHeader(Buffer.alloc(11)), undefined);
    assert.deepEqual(decodeHeader(Buffer.from(header(0xabcd, 9))), { id: 0xabcd, flags: { ...noFlags(), rd: true } });
  });

  it('never throws anything but a format error, whatever the bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), isFormatErrorOrMessage), { numRuns: 2000 });
  });

  it('never throws anything but a format error on a valid message with bytes changed', () => {
    const valid = encodeMessage(sample);
    const edits = fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 });
    fc.assert(fc.property(edits, (changes) => {
      const bytes = Buffer.from(valid);
      for (const [at, value] of changes) bytes[at] = value;
      return isFormatErrorOrMessage(bytes);
    }), { numRuns: 2000 });
  });
});
