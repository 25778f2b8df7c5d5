/**
 * The tokencleaner controller's decision (pkg/controller/bootstrap/tokencleaner.go): a
 * bootstrap token Secret in kube-system whose `expiration` has passed (or cannot be read) is
 * deleted; one that expires later is looked at again then.
 */
import type { Secret } from '../../api/config-v1';
import { BOOTSTRAP_TOKEN_NAMESPACE, BOOTSTRAP_TOKEN_SECRET_TYPE, expirationOf } from '../../api/bootstrap-token';

export type TokenCleanerStep = { op: 'none' } | { op: 'delete' } | { op: 'wait'; ms: number };

export function planTokenCleanup(secret: Secret | undefined, now: Date): TokenCleanerStep {
  if (!secret || secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE || secret.metadata.namespace !== BOOTSTRAP_TOKEN_NAMESPACE) return { op: 'none' };
  if (secret.metadata.deletionTimestamp) return { op: 'none' };
  const at = expirationOf(secret);
  if (at === undefined) return { op: 'none' };
  if (Number.isNaN(at) || at <= now.getTime()) return { op: 'delete' };
  return { op: 'wait', ms: at - now.getTime() };
}
