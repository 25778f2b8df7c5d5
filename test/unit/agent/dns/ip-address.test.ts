import assert from 'node:assert/strict';
import { ipv4Bytes, ipv6Bytes, ipv6Text, reverseName } from '../../../../agent/dns/ip-address';

describe('ip addresses', () => {
  it('reads dotted quads and refuses anything else', () => {
    assert.deepEqual([...(ipv4Bytes('10.43.0.10') ?? [])], [10, 43, 0, 10]);
    assert.equal(ipv4Bytes('10.43.0'), undefined);
    assert.equal(ipv4Bytes('::1'), undefined);
  });

  const v6: [string, string, string][] = [
    ['::1', '00000000000000000000000000000001', '::1'],
    ['fd00:10:43::a', `fd0000100043${'0000'.repeat(4)}000a`, 'fd00:10:43::a'],
    ['2001:DB8:0:0:1:0:0:1', '20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
    ['::ffff:10.42.1.5', '00000000000000000000ffff0a2a0105', '::ffff:a2a:105'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008', '1:2:3:4:5:6:7:8'],
  ];
  for (const [text, hex, canonical] of v6) {
    it(`reads ${text} and writes it back as ${canonical}`, () => {
      const bytes = ipv6Bytes(text);
      assert.equal(bytes?.toString('hex'), hex);
      assert.equal(ipv6Text(bytes as Buffer), canonical);
    });
  }

  it('names the reverse zone entry of an address', () => {
    assert.equal(reverseName('10.43.0.10'), '10.0.43.10.in-addr.arpa');
    assert.equal(reverseName('2001:db8::1'), `1.${'0.'.repeat(23)}8.b.d.0.1.0.0.2.ip6.arpa`);
    assert.equal(reverseName('web'), undefined);
  });
});
