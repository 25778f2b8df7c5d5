/**
 * Who is on the other end of a session: the node named by its client certificate, as
 * Kubernetes' node authorizer reads it (CN `system:node:<name>`, O `system:nodes`). TLS has
 * already required a certificate chaining to the cluster CA; this checks it again against the
 * CA (a misconfigured server must not widen access) and then the subject.
 */
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { ApiError } from '../../api/errors';
import { isIssuedBy } from '../auth/pki';
import { NODE_USER_PREFIX, NODES_GROUP } from '../auth/node-certificate';

export { NODE_USER_PREFIX, NODES_GROUP };

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function pemOf(peer: PeerCertificate): string {
  return new X509Certificate(peer.raw).toString();
}

/** The subject of a client certificate checked again against the cluster CA; Unauthorized without one. */
export function verifiedSubject(peer: PeerCertificate | undefined, caCertPem: string, now = new Date()): { cn: string; groups: string[] } {
  if (!peer?.raw) throw new ApiError('Unauthorized', 'a client certificate issued by the cluster CA is required');
  if (!isIssuedBy(pemOf(peer), caCertPem, now)) {
    throw new ApiError('Unauthorized', 'the client certificate is not issued by the cluster CA or is not valid now');
  }
  return { cn: asList(peer.subject?.CN)[0] ?? '', groups: asList(peer.subject?.O) };
}

/** The node name the certificate proves; Unauthorized without one, Forbidden if not a node's. */
export function nodeNameFromCertificate(peer: PeerCertificate | undefined, caCertPem: string, now = new Date()): string {
  const { cn, groups } = verifiedSubject(peer, caCertPem, now);
  if (!cn.startsWith(NODE_USER_PREFIX) || !groups.includes(NODES_GROUP)) {
    throw new ApiError('Forbidden', `certificate subject CN "${cn}" O ${JSON.stringify(groups)} is not a node identity (CN ${NODE_USER_PREFIX}<name>, O ${NODES_GROUP})`);
  }
  return cn.slice(NODE_USER_PREFIX.length);
}

/** A node may only speak for itself. */
export function checkHelloIdentity(certNodeName: string, helloNodeName: string): void {
  if (certNodeName !== helloNodeName) {
    throw new ApiError('Forbidden', `node "${certNodeName}" (from its certificate ${NODE_USER_PREFIX}${certNodeName}) cannot register as node "${helloNodeName}"`);
  }
}
