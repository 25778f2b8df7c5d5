/**
 * Kubernetes' ServiceAccount admission for pod creation (plugin/pkg/admission/serviceaccount):
 * the pod runs as `spec.serviceAccountName` (`default` when unset), which must exist (403
 * `error looking up service account ns/name: serviceaccount "name" not found`); the account's
 * imagePullSecrets are copied into a pod that has none; and unless
 * `automountServiceAccountToken` is false (the pod's, else the account's), every container and
 * init container without a mount at /var/run/secrets/kubernetes.io/serviceaccount gets the
 * projected `kube-api-access-<5>` volume there, read-only: a bound token (3607 s), the
 * `kube-root-ca.crt` CA and the namespace.
 * https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#serviceaccount-admission-controller
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Container, Pod, Volume } from '../../api/core-v1';
import { ApiError } from '../../api/errors';
import {
  API_ACCESS_TOKEN_SECONDS, API_ACCESS_VOLUME_PREFIX, DEFAULT_SERVICE_ACCOUNT, ROOT_CA_CONFIG_MAP, ROOT_CA_KEY, SERVICE_ACCOUNT_MOUNT_PATH, type ServiceAccount,
} from '../../api/service-account';
import type { AdmissionContext } from './resource-definition';

/**
 * Deviation, for the race Kubernetes has too: a namespace made a moment ago may not have its
 * `default` account yet (the leader's controller makes it). Its absence is re-checked this
 * long before the pod is refused; any other account is looked up once.
 */
const DEFAULT_ACCOUNT_WAIT_MS = 3_000;
const RECHECK_MS = 100;
/** utilrand.String's alphabet: no vowels, no confusable digits. */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export async function admitPodServiceAccount(pod: Pod, ctx: AdmissionContext): Promise<void> {
  if (!ctx.serviceAccounts) return;
  const spec = pod.spec;
  const name = spec.serviceAccountName || spec.serviceAccount || DEFAULT_SERVICE_ACCOUNT;
  spec.serviceAccountName = name;
  spec.serviceAccount = name;
  await ctx.admitNamespace();
  const account = await lookUp(ctx, name, pod.metadata.name || pod.metadata.generateName || '');
  if ((spec.imagePullSecrets as unknown[] | undefined ?? []).length === 0 && (account.imagePullSecrets ?? []).length > 0) {
    spec.imagePullSecrets = structuredClone(account.imagePullSecrets);
  }
  if (shouldAutomount(pod, account)) mountApiAccess(pod);
}

async function lookUp(ctx: AdmissionContext, name: string, podName: string): Promise<ServiceAccount> {
  const deadline = Date.now() + (name === DEFAULT_SERVICE_ACCOUNT ? DEFAULT_ACCOUNT_WAIT_MS : 0);
  for (;;) {
    const account = await ctx.reads.get<ServiceAccount>('serviceaccounts', name);
    if (account) return account;
    if (Date.now() >= deadline) throw lookupFailed(podName, ctx.namespace, name);
    await sleep(RECHECK_MS);
  }
}

function lookupFailed(podName: string, namespace: string, name: string): ApiError {
  const message = `pods "${podName}" is forbidden: error looking up service account ${namespace}/${name}: serviceaccount "${name}" not found`;
  return new ApiError('Forbidden', message, { kind: 'pods', name: podName });
}

/** The pod's own setting wins; then the account's; mounted by default. */
export function shouldAutomount(pod: Pod, account: ServiceAccount): boolean {
  const own = pod.spec.automountServiceAccountToken;
  if (typeof own === 'boolean') return own;
  return account.automountServiceAccountToken ?? true;
}

/** Adds the mount to each container lacking one at the path, and the volume if any container took it. */
export function mountApiAccess(pod: Pod, random: (n: number) => number = randomInt): void {
  const volumes = pod.spec.volumes ?? [];
  const existing = volumes.find((v) => v.name.startsWith(API_ACCESS_VOLUME_PREFIX));
  const volumeName = existing?.name ?? freshName(new Set(volumes.map((v) => v.name)), random);
  const containers: Container[] = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  let needed = false;
  for (const c of containers) {
    if ((c.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH)) continue;
    c.volumeMounts = [...(c.volumeMounts ?? []), { name: volumeName, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }];
    needed = true;
  }
  if (needed && !existing) pod.spec.volumes = [...volumes, apiAccessVolume(volumeName)];
}

function freshName(taken: Set<string>, random: (n: number) => number): string {
  for (;;) {
    const suffix = Array.from({ length: 5 }, () => ALPHANUMS[random(ALPHANUMS.length)]).join('');
    const name = `${API_ACCESS_VOLUME_PREFIX}${suffix}`;
    if (!taken.has(name)) return name;
  }
}

/** The projected volume Kubernetes 1.32 mounts (TokenVolumeSource). */
export function apiAccessVolume(name: string): Volume {
  return {
    name,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: API_ACCESS_TOKEN_SECONDS, path: 'token' } },
        { configMap: { name: ROOT_CA_CONFIG_MAP, items: [{ key: ROOT_CA_KEY, path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
      defaultMode: 0o644,
    },
  };
}
