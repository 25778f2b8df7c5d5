import { strict as assert } from 'node:assert';
import type { IncomingMessage } from 'node:http';
import fc from 'fast-check';
import { bearerToken, parseCsv, parseTokenFile, tokenAuthenticator } from '../../../../control-plane/auth/token-file-authenticator';

function withAuthorization(value: string | undefined): IncomingMessage {
  return { headers: value === undefined ? {} : { authorization: value } } as IncomingMessage;
}

describe('static token file (--token-auth-file)', () => {
  it('reads token, user, uid and the quoted group list', () => {
    const users = tokenAuthenticator(parseTokenFile('t1,alice,100,"devs,ops"\n t2, bob ,200\n\n'));
    assert.deepEqual(users.authenticate(withAuthorization('Bearer t1')), { name: 'alice', uid: '100', groups: ['devs', 'ops', 'system:authenticated'] });
    assert.deepEqual(users.authenticate(withAuthorization('bearer t2')), { name: 'bob ', uid: '200', groups: ['system:authenticated'] });
    assert.equal(users.authenticate(withAuthorization('Bearer t3')), undefined);
    assert.equal(users.authenticate(withAuthorization('Basic t1')), undefined);
    assert.equal(users.authenticate(withAuthorization(undefined)), undefined);
  });

  it('refuses a record with fewer than three columns, as Kubernetes', () => {
    assert.throws(() => parseTokenFile('t1,alice\n', '/etc/tokens.csv'), /token file '\/etc\/tokens.csv' must have at least 3 columns \(token, user name, user uid\), found 2/);
  });

  it('reads quoted fields with commas, doubled quotes and CRLF', () => {
    assert.deepEqual(parseCsv('a,"b,c","d""e"\r\nf,g,h\n'), [['a', 'b,c', 'd"e'], ['f', 'g', 'h']]);
    assert.throws(() => parseCsv('a,"b'), /quoted field/);
  });

  it('takes the token from the Authorization header as the bearer-token authenticator does', () => {
    assert.equal(bearerToken(withAuthorization('Bearer abc')), 'abc');
    assert.equal(bearerToken(withAuthorization('  Bearer abc  ')), 'abc');
    assert.equal(bearerToken(withAuthorization('Bearer')), undefined);
    assert.equal(bearerToken(withAuthorization('Bearer  abc')), undefined);
  });

  it('never throws on any header value or file text', () => {
    const users = tokenAuthenticator(parseTokenFile('secret,alice,1\n'));
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (header) => {
      const user = users.authenticate(withAuthorization(header));
      assert.ok(user === undefined || header.trim().split(' ')[1] === 'secret');
    }));
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => {
      try {
        parseTokenFile(text);
      } catch (err: unknown) {
        assert.ok(err instanceof Error);
      }
    }));
  });
});
