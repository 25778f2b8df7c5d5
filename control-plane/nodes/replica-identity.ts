/**
 * Who calls the ReplicaService: another control-plane replica, proven by the client
 * certificate it mints from the cluster CA at start (auth/replica-certificate.ts). TLS has
 * already required a certificate chaining to the CA; this checks it again and then the subject,
 * so an agent's node certificate (or a user's) never opens a relay.
 */
import type { PeerCertificate } from 'node:tls';
import { ApiError } from '../../api/errors';
import { REPLICA_USER_PREFIX, REPLICAS_GROUP } from '../auth/replica-certificate';
import { verifiedSubject } from './node-identity';

/** The calling replica's identity; Unauthorized without a certificate, Forbidden if not a replica's. */
export function replicaFromCertificate(peer: PeerCertificate | undefined, caCertPem: string, now = new Date()): string {
  const { cn, groups } = verifiedSubject(peer, caCertPem, now);
  if (!cn.startsWith(REPLICA_USER_PREFIX) || !groups.includes(REPLICAS_GROUP)) {
    throw new ApiError('Forbidden', `certificate subject CN "${cn}" O ${JSON.stringify(groups)} is not a control-plane replica (CN ${REPLICA_USER_PREFIX}<identity>, O ${REPLICAS_GROUP})`);
  }
  return cn.slice(REPLICA_USER_PREFIX.length);
}
