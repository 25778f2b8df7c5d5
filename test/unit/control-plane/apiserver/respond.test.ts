import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { acceptsGzip, gzipParts } from '../../../../control-plane/apiserver/respond';

function withAcceptEncoding(value: string | undefined): IncomingMessage {
  return { headers: value === undefined ? {} : { 'accept-encoding': value } } as IncomingMessage;
}

describe('response compression', () => {
  const cases: [string | undefined, boolean][] = [
    ['gzip', true], // what Go clients (kubectl) send
    ['deflate, gzip', true],
    [' gzip ,br', true],
    [undefined, false],
    ['', false],
    ['deflate, br', false],
    ['x-gzip', false],
    // The apiserver compares whole tokens: a token with parameters is not `gzip`.
    ['gzip;q=1.0', false],
  ];
  for (const [header, accepted] of cases) {
    it(`${accepted ? 'gzips' : 'does not gzip'} for Accept-Encoding ${JSON.stringify(header)}`, () => {
      assert.equal(acceptsGzip(withAcceptEncoding(header)), accepted);
    });
  }

  it('gzips parts into the joined body', async () => {
    const parts = { head: '{"items":[', items: Buffer.from('{"a":"é"},{"b":2}'), tail: ']}' };
    assert.equal(gunzipSync(await gzipParts(parts)).toString('utf8'), '{"items":[{"a":"é"},{"b":2}]}');
  });
});
