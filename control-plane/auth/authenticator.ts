/**
 * Who is asking. Kubernetes' x509 authenticator: a client certificate that chains to the
 * cluster CA names the user by its CN and the groups by its O fields; every authenticated
 * user is also in `system:authenticated`. The TLS server is started with the cluster CA,
 * `requestCert: true, rejectUnauthorized: false`, so a missing or foreign certificate reaches
 * us (and gets a 401 Status) instead of failing the handshake.
 * https://kubernetes.io/docs/reference/access-authn-authz/authentication/#x509-client-certificates
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

export interface UserInfo {
  name: string;
  groups: string[];
  /** A stable id when the authenticator knows one (a token file's uid column). */
  uid?: string;
}

export const AUTHENTICATED_GROUP = 'system:authenticated';

/** One way of proving identity: client certificates here, bearer tokens in token-file-authenticator.ts. */
export interface Authenticator {
  /** The user, or undefined when this request carries no credential this authenticator accepts. */
  authenticate(req: IncomingMessage): UserInfo | undefined;
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * A connection's user, read from its certificate on its first request: reading the certificate
 * (getPeerCertificate parses it into a new object) costs more than the rest of authentication,
 * and a keep-alive connection carries many requests. The apiserver (Go's TLS server, which never
 * renegotiates) likewise sees one certificate per connection; a TLS 1.2 client that
 * renegotiates here keeps the identity it first proved, and `authorized` is checked on every
 * request. (Disabling renegotiation would also refuse TLS 1.3 key updates, which OpenSSL
 * reports the same way.)
 */
const usersOfConnections = new WeakMap<TLSSocket, UserInfo | null>();

function userOfCertificate(socket: TLSSocket): UserInfo | null {
  const cert = socket.getPeerCertificate();
  const name = cert?.subject?.CN;
  if (typeof name !== 'string' || name === '') return null;
  const groups = asList(cert.subject.O);
  return { name, groups: [...new Set([...groups, AUTHENTICATED_GROUP])] };
}

export const clientCertificateAuthenticator: Authenticator = {
  authenticate(req) {
    const socket = req.socket as TLSSocket;
    if (typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return undefined;
    let user = usersOfConnections.get(socket);
    if (user === undefined) {
      user = userOfCertificate(socket);
      usersOfConnections.set(socket, user);
    }
    return user ? { name: user.name, groups: [...user.groups] } : undefined;
  },
};

/** Tries each authenticator in turn (Kubernetes' union authenticator); the first user found wins. */
export function unionAuthenticator(authenticators: Authenticator[]): Authenticator {
  return {
    authenticate(req) {
      for (const a of authenticators) {
        const user = a.authenticate(req);
        if (user) return user;
      }
      return undefined;
    },
  };
}
