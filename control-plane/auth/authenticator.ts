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

export const clientCertificateAuthenticator: Authenticator = {
  authenticate(req) {
    const socket = req.socket as TLSSocket;
    if (typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return undefined;
    const cert = socket.getPeerCertificate();
    const name = cert?.subject?.CN;
    if (typeof name !== 'string' || name === '') return undefined;
    const groups = asList(cert.subject.O);
    return { name, groups: [...new Set([...groups, AUTHENTICATED_GROUP])] };
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
