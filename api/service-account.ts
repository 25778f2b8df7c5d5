/**
 * ServiceAccount (core/v1) and the names Kubernetes gives to what hangs off it: the `default`
 * account of every namespace, the `kube-root-ca.crt` ConfigMap, the projected
 * `kube-api-access-<5>` volume and where it is mounted, the user names its tokens carry.
 * https://kubernetes.io/docs/concepts/security/service-accounts/
 */
import type { ObjectReference } from './core-v1';
import type { KubeObject, ObjectMeta } from './meta';

export interface ServiceAccount extends KubeObject {
  apiVersion: 'v1';
  kind: 'ServiceAccount';
  metadata: ObjectMeta;
  secrets?: ObjectReference[];
  imagePullSecrets?: { name?: string }[];
  automountServiceAccountToken?: boolean;
}

/** The account every namespace has and every pod runs as unless it names another. */
export const DEFAULT_SERVICE_ACCOUNT = 'default';

/** The ConfigMap the root-CA publisher keeps in every namespace, and its one key. */
export const ROOT_CA_CONFIG_MAP = 'kube-root-ca.crt';
export const ROOT_CA_KEY = 'ca.crt';

/** Where the admission mounts the projected token volume in every container. */
export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The projected volume's name prefix; five random characters follow. */
export const API_ACCESS_VOLUME_PREFIX = 'kube-api-access-';
/** What the admission asks for: an hour plus seven seconds, as Kubernetes (the seven mark a kubelet-requested token). */
export const API_ACCESS_TOKEN_SECONDS = 3607;

/** `system:serviceaccount:<ns>:<name>`: the user a token of the account authenticates as. */
export const SERVICE_ACCOUNT_USER_PREFIX = 'system:serviceaccount:';
/** Every service account is in this group, and in `system:serviceaccounts:<ns>`. */
export const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';

export function serviceAccountUserName(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_USER_PREFIX}${namespace}:${name}`;
}

export function serviceAccountGroups(namespace: string): string[] {
  return [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${namespace}`];
}
