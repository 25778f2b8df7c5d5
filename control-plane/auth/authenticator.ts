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

/**
 * What a bearer token proves (authenticator.Response): the user, and the audiences it is good
 * for among those asked; a token that is not bound to audiences (a static or bootstrap token)
 * has none of its own and is good for the API's.
 */
export interface TokenAuthentication {
  user: UserInfo;
  audiences?: string[];
}

/** A token this authenticator recognises but refuses, and why (status.error of a TokenReview). */
export interface TokenRefusal {
  error: string;
}

/** One kind of bearer token (authenticator.Token): the requests' authenticators and TokenReview share them. */
export interface TokenAuthenticator {
  /**
   * The user the token proves for one of `audiences` (default: the API's); a refusal for a token of
   * this kind that no longer holds; undefined for a token this authenticator does not know.
   */
  authenticateToken(token: string, audiences?: readonly string[]): TokenAuthentication | TokenRefusal | undefined;
}

/** The token of `Authorization: Bearer <token>`, as Kubernetes' bearer-token authenticator reads it. */
export function bearerToken(req: Pick<IncomingMessage, 'headers'>): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const parts = header.trim().split(' ');
  if (parts.length < 2 || parts[0].toLowerCase() !== 'bearer') return undefined;
  return parts[1] === '' ? undefined : parts[1];
}

/** Each token authenticator in turn: the first that proves a user wins, else the first refusal (the union token authenticator). */
export function unionTokenAuthenticator(authenticators: readonly TokenAuthenticator[]): TokenAuthenticator {
  return {
    authenticateToken(token, audiences) {
      let refusal: TokenRefusal | undefined;
      for (const a of authenticators) {
        const verdict = a.authenticateToken(token, audiences);
        if (verdict && 'user' in verdict) return verdict;
        refusal ??= verdict;
      }
      return refusal;
    },
  };
}

/** Requests with `Authorization: Bearer <token>`, judged by a token authenticator for the API's audiences (bearertoken.New). */
export function bearerTokenAuthenticator(tokens: TokenAuthenticator): Authenticator {
  return {
    authenticate(req) {
      const token = bearerToken(req);
      const verdict = token === undefined ? undefined : tokens.authenticateToken(token);
      return verdict && 'user' in verdict ? verdict.user : undefined;
    },
  };
}

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
