/**
 * kubeadm's token discovery with CA pinning: read kube-public's `cluster-info` over a
 * connection that verifies nothing, check the token's JWS signature of its kubeconfig (the
 * server knows the token) and the CA's public-key hash against `--ca-cert-hash` (the CA is the
 * one the person who printed the join command saw). Only then is the CA trusted.
 * https://kubernetes.io/docs/reference/setup-tools/kubeadm/kubeadm-join/#token-based-discovery-with-ca-pinning
 */
import { parse } from 'yaml';
import type { BootstrapToken } from '../../api/bootstrap-token';
import { caCertHash } from '../../api/ca-cert-hash';
import { JWS_KEY_PREFIX, verifyDetachedSignature } from '../../api/detached-jws';
import { failureText, httpsJson } from '../../base/https-json';

export const CLUSTER_INFO_PATH = '/api/v1/namespaces/kube-public/configmaps/cluster-info';

export interface DiscoveredCluster {
  caPem: string;
  /** The API server named by cluster-info. */
  server: string;
}

/** A refusal that waiting cannot fix (a wrong pin, a malformed document): the join stops. */
export class DiscoveryRefused extends Error {}

/** The CA and server of a cluster-info ConfigMap's data, checked against the token and the pin. */
export function checkClusterInfo(data: Record<string, string> | undefined, token: BootstrapToken, pin: string): DiscoveredCluster {
  const kubeconfig = data?.kubeconfig;
  if (kubeconfig === undefined) throw new DiscoveryRefused('the cluster-info ConfigMap holds no kubeconfig');
  const signature = data?.[`${JWS_KEY_PREFIX}${token.id}`];
  if (signature === undefined) throw new Error(`there is no JWS signed token in the cluster-info ConfigMap. This token id "${token.id}" is invalid for this cluster, or it has expired. Use "pikube-server token create" on the control-plane node to create a new valid token`);
  if (!verifyDetachedSignature(kubeconfig, signature, token)) throw new DiscoveryRefused(`failed to verify JWS signature of received cluster info object, can't trust this API Server`);
  const doc = parse(kubeconfig) as { clusters?: { cluster?: { server?: unknown; 'certificate-authority-data'?: unknown } }[] } | null;
  const cluster = doc?.clusters?.[0]?.cluster;
  if (typeof cluster?.server !== 'string' || typeof cluster['certificate-authority-data'] !== 'string') throw new DiscoveryRefused('the cluster-info kubeconfig names no server or CA');
  const caPem = Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8');
  const hash = caCertHash(caPem);
  if (hash !== pin) throw new DiscoveryRefused(`cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${hash}" are pinned (--ca-cert-hash ${pin}): refusing to trust this server`);
  return { caPem, server: cluster.server };
}

/** One discovery attempt against `server` (https://host:port). */
export async function discoverCluster(server: string, token: BootstrapToken, pin: string, signal: AbortSignal): Promise<DiscoveredCluster> {
  const res = await httpsJson({ url: `${server}${CLUSTER_INFO_PATH}`, signal });
  if (res.status !== 200) throw new Error(`cluster-info not readable from ${server}: ${failureText(res)}`);
  return checkClusterInfo((res.body as { data?: Record<string, string> }).data, token, pin);
}
