/**
 * A node's identity: CN `system:node:<name>`, O `system:nodes`, as Kubernetes' node
 * authorizer reads it. The node service accepts a session only for the name in its CN.
 */
import type { UserInfo } from './authenticator';
import { issueCertificate, type KeyPair } from './pki';

export const NODE_USER_PREFIX = 'system:node:';
export const NODES_GROUP = 'system:nodes';

export function issueNodeCertificate(ca: KeyPair, nodeName: string): KeyPair {
  return issueCertificate(ca, {
    commonName: `${NODE_USER_PREFIX}${nodeName}`,
    organizations: [NODES_GROUP],
    dnsNames: [nodeName],
    usages: ['clientAuth', 'serverAuth'],
  });
}

/** The node a user is (nodeidentifier.NodeIdentity): `system:node:<name>` in `system:nodes`; undefined for anyone else. */
export function nodeIdentity(user: UserInfo): string | undefined {
  if (!user.name.startsWith(NODE_USER_PREFIX) || !user.groups.includes(NODES_GROUP)) return undefined;
  return user.name.slice(NODE_USER_PREFIX.length);
}
