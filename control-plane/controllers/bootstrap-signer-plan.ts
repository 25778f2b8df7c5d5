/**
 * The bootstrapsigner controller's decision (pkg/controller/bootstrap/bootstrapsigner.go): the
 * cluster-info ConfigMap carries exactly one `jws-kubeconfig-<id>` signature of its kubeconfig
 * per live bootstrap token allowed `usage-bootstrap-signing`; stale signatures go.
 */
import type { ConfigMap, Secret } from '../../api/config-v1';
import { BOOTSTRAP_TOKEN_SECRET_TYPE, isExpired, secretField } from '../../api/bootstrap-token';
import { detachedSignature, JWS_KEY_PREFIX } from '../../api/detached-jws';

export type SignerStep = { op: 'none' } | { op: 'update'; configMap: ConfigMap };

function signatures(kubeconfig: string, tokens: readonly Secret[], now: Date): Record<string, string> {
  const wanted: Record<string, string> = {};
  for (const s of tokens) {
    if (s.type !== BOOTSTRAP_TOKEN_SECRET_TYPE || s.metadata.deletionTimestamp || isExpired(s, now)) continue;
    const id = secretField(s, 'token-id');
    const secret = secretField(s, 'token-secret');
    if (!id || !secret || secretField(s, 'usage-bootstrap-signing') !== 'true') continue;
    wanted[`${JWS_KEY_PREFIX}${id}`] = detachedSignature(kubeconfig, { id, secret });
  }
  return wanted;
}

export function planClusterInfoSignatures(clusterInfo: ConfigMap | undefined, tokens: readonly Secret[], now: Date): SignerStep {
  const kubeconfig = clusterInfo?.data?.kubeconfig;
  if (!clusterInfo || kubeconfig === undefined) return { op: 'none' };
  const data = Object.fromEntries(Object.entries(clusterInfo.data ?? {}).filter(([k]) => !k.startsWith(JWS_KEY_PREFIX)));
  const next = { ...data, ...signatures(kubeconfig, tokens, now) };
  const current = clusterInfo.data ?? {};
  const same = Object.keys(next).length === Object.keys(current).length && Object.entries(next).every(([k, v]) => current[k] === v);
  if (same) return { op: 'none' };
  return { op: 'update', configMap: { ...structuredClone(clusterInfo), data: next } };
}
