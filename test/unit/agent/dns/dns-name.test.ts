import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DnsFormatError } from '../../../../agent/dns/dns-message';
import { foldName, labelText, nameLabels, readName } from '../../../../agent/dns/dns-name';

describe('dns names', () => {
  it('splits a presentation name into wire labels, the root into none', () => {
    assert.deepEqual(nameLabels('web.default.svc.cluster.local').map(String), ['web', 'default', 'svc', 'cluster', 'local']);
    assert.deepEqual(nameLabels(''), []);
  });

  it('escapes dots, backslashes and unprintable bytes in a label, and reads the escapes back', () => {
    const label = Buffer.from([0x61, 0x2e, 0x5c, 0x00, 0x20, 0xff]);
    assert.equal(labelText(label), 'a\\.\\\\\\000\\032\\255');
    assert.deepEqual(nameLabels(`${labelText(label)}.b`), [label, Buffer.from('b')]);
  });

  it('round-trips any label bytes through their presentation text', () => {
    const labels = fc.array(fc.uint8Array({ minLength: 1, maxLength: 63 }), { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(labels, (ls) => {
      const name = ls.map((l) => labelText(Buffer.from(l))).join('.');
      assert.deepEqual(nameLabels(name), ls.map((l) => Buffer.from(l)));
    }));
  });

  it('rejects empty labels, labels over 63 bytes and names over 255 bytes', () => {
    assert.throws(() => nameLabels('a..b'), DnsFormatError);
    assert.throws(() => nameLabels(`${'a'.repeat(64)}.b`), DnsFormatError);
    assert.throws(() => nameLabels(Array(5).fill('a'.repeat(63)).join('.')), DnsFormatError);
    assert.equal(nameLabels(Array(4).fill('a'.repeat(62)).join('.')).length, 4);
  });

  it('folds case and a trailing dot for comparison', () => {
    assert.equal(foldName('Web.Default.SVC.cluster.local.'), 'web.default.svc.cluster.local');
  });

  describe('reading compressed names', () => {
    const packet = (...bytes: number[]): Buffer => Buffer.from([...Array<number>(12).fill(0), ...bytes]);

    it('follows a pointer to an earlier suffix and continues after the pointer', () => {
      // 12: 3 'www' 7 'example' 3 'com' 0 | 29: 4 'mail' ptr→16
      const buf = packet(3, 0x77, 0x77, 0x77, 7, ...Buffer.from('example'), 3, ...Buffer.from('com'), 0, 4, ...Buffer.from('mail'), 0xc0, 16);
      assert.deepEqual(readName(buf, 12), { name: 'www.example.com', next: 29 });
      assert.deepEqual(readName(buf, 29), { name: 'mail.example.com', next: 36 });
    });

    it('rejects a pointer to itself, a forward pointer, and a loop through labels', () => {
      assert.throws(() => readName(packet(0xc0, 12), 12), DnsFormatError);
      assert.throws(() => readName(packet(0xc0, 14, 0), 12), DnsFormatError);
      assert.throws(() => readName(packet(1, 0x61, 0xc0, 12), 12), /longer than 255/);
    });

    it('rejects a name that runs past the end and reserved label types', () => {
      assert.throws(() => readName(packet(3, 0x61), 12), DnsFormatError);
      assert.throws(() => readName(packet(1, 0x61), 12), DnsFormatError);
      assert.throws(() => readName(packet(0x40, 0), 12), /label type/);
      assert.throws(() => readName(packet(0xc0), 12), DnsFormatError);
    });
  });
});
