import assert from 'node:assert/strict';
import { parseUpstreamAddress, type UpstreamAddress } from '../../../../agent/dns/upstream-address';

describe('upstream addresses', () => {
  const cases: [string, UpstreamAddress | undefined][] = [
    ['192.168.1.1', { host: '192.168.1.1', port: 53 }],
    ['127.0.0.1:5353', { host: '127.0.0.1', port: 5353 }],
    ['2001:db8::1', { host: '2001:db8::1', port: 53 }],
    ['[2001:db8::1]:5353', { host: '2001:db8::1', port: 5353 }],
    ['[::1]', { host: '::1', port: 53 }],
    ['fe80::1%eth0', { host: 'fe80::1%eth0', port: 53 }],
    ['dns.example.com', undefined],
    ['1.2.3.4:0', undefined],
    ['1.2.3.4:65536', undefined],
    ['1.2.3:53', undefined],
    ['', undefined],
  ];
  for (const [text, expected] of cases) {
    it(`reads ${JSON.stringify(text)} as ${expected ? `${expected.host} port ${expected.port}` : 'invalid'}`, () => assert.deepEqual(parseUpstreamAddress(text), expected));
  }
});
