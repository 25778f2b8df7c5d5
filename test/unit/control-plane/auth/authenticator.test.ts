import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { AUTHENTICATED_GROUP, clientCertificateAuthenticator } from '../../../../control-plane/auth/authenticator';

/** A TLS connection as the authenticator sees it: whether it chains to the CA, its certificate, and renegotiation. */
class FakeConnection {
  certificateReads = 0;
  constructor(
    readonly authorized: boolean,
    private readonly subject: { CN?: string; O?: string | string[] },
  ) {}

  getPeerCertificate(): { subject: { CN?: string; O?: string | string[] } } {
    this.certificateReads++;
    return { subject: this.subject };
  }

  request(): IncomingMessage {
    return { socket: this } as unknown as IncomingMessage;
  }
}

describe('client certificate authenticator', () => {
  it('names the user by CN and the groups by O, plus system:authenticated', () => {
    const conn = new FakeConnection(true, { CN: 'alice', O: ['dev', 'ops'] });
    assert.deepEqual(clientCertificateAuthenticator.authenticate(conn.request()), { name: 'alice', groups: ['dev', 'ops', AUTHENTICATED_GROUP] });
  });

  it('reads a connection\'s certificate once, on its first request', () => {
    const conn = new FakeConnection(true, { CN: 'alice', O: 'dev' });
    const first = clientCertificateAuthenticator.authenticate(conn.request());
    first?.groups.push('changed-by-a-caller');
    assert.deepEqual(clientCertificateAuthenticator.authenticate(conn.request()), { name: 'alice', groups: ['dev', AUTHENTICATED_GROUP] });
    assert.equal(conn.certificateReads, 1);
  });

  it('tells connections apart', () => {
    const alice = new FakeConnection(true, { CN: 'alice' });
    const bob = new FakeConnection(true, { CN: 'bob' });
    assert.equal(clientCertificateAuthenticator.authenticate(alice.request())?.name, 'alice');
    assert.equal(clientCertificateAuthenticator.authenticate(bob.request())?.name, 'bob');
  });

  it('accepts no one on a connection whose certificate does not chain to the CA or names no CN', () => {
    assert.equal(clientCertificateAuthenticator.authenticate(new FakeConnection(false, { CN: 'mallory' }).request()), undefined);
    const nameless = new FakeConnection(true, { O: 'dev' });
    assert.equal(clientCertificateAuthenticator.authenticate(nameless.request()), undefined);
    assert.equal(clientCertificateAuthenticator.authenticate(nameless.request()), undefined);
    assert.equal(nameless.certificateReads, 1);
  });
});
