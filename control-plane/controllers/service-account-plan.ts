/**
 * The serviceaccount-controller's decision (pkg/controller/serviceaccount): every active
 * namespace has a `default` ServiceAccount; one deleted is made again. A terminating
 * namespace gets nothing (its contents are being deleted).
 */
import type { Namespace } from '../../api/core-v1';
import { DEFAULT_SERVICE_ACCOUNT, type ServiceAccount } from '../../api/service-account';
import { isTerminating } from '../registry/namespace-lifecycle';

/** The account to create in `ns`, or undefined when there is nothing to do. */
export function planDefaultServiceAccount(ns: Namespace | undefined, existing: ServiceAccount | undefined): ServiceAccount | undefined {
  if (!ns || isTerminating(ns) || existing) return undefined;
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace: ns.metadata.name } };
}
