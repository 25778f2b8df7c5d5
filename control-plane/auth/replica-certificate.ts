/**
 * A control-plane replica's identity towards the other replicas (the ReplicaService beside the
 * node service): CN `system:pikube-replica:<identity>`, O `system:pikube-replicas`, minted in
 * memory at each start from the cluster CA that only replicas hold. Kubernetes keeps such a
 * hop apart with a CA of its own (the aggregator's front-proxy CA); here the CSR signer refuses
 * this subject instead (csr-signing-plan.ts), so no certificate an API user can obtain passes
 * for a replica. A node certificate is not a replica's, nor the reverse.
 */
import { issueCertificate, type KeyPair } from './pki';

export const REPLICA_USER_PREFIX = 'system:pikube-replica:';
export const REPLICAS_GROUP = 'system:pikube-replicas';

export function issueReplicaCertificate(ca: KeyPair, identity: string): KeyPair {
  return issueCertificate(ca, { commonName: `${REPLICA_USER_PREFIX}${identity}`, organizations: [REPLICAS_GROUP], usages: ['clientAuth'] });
}

/** Whether a requested subject is the replicas' (reserved: never signed for a CSR). */
export function isReplicaSubject(commonName: string, organizations: readonly string[]): boolean {
  return commonName.startsWith(REPLICA_USER_PREFIX) || organizations.includes(REPLICAS_GROUP);
}
