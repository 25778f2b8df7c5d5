/**
 * pikube's chain names. Per-service chains are named as kube-proxy names them
 * (pkg/proxy/iptables/proxier.go portProtoHash / servicePortEndpointChainName): the first 16
 * characters of the base32 (RFC 4648, padded alphabet) SHA-256 of `servicePortName + protocol`
 * (+ `ip:port` for an endpoint), so names are stable across restarts and agents, and fit the
 * 28-character limit of iptables chain names with our `PIKUBE-XXX-` prefixes.
 */
import { createHash } from 'node:crypto';

export const CHAIN_PREFIX = 'PIKUBE-';
export const SERVICES_CHAIN = 'PIKUBE-SERVICES';
export const EXTERNAL_SERVICES_CHAIN = 'PIKUBE-EXTERNAL-SERVICES';
export const NODEPORTS_CHAIN = 'PIKUBE-NODEPORTS';
export const POSTROUTING_CHAIN = 'PIKUBE-POSTROUTING';
export const MARK_MASQ_CHAIN = 'PIKUBE-MARK-MASQ';
export const FORWARD_CHAIN = 'PIKUBE-FORWARD';
export const FIREWALL_CHAIN = 'PIKUBE-FIREWALL';
/** Pods' hostPorts (the kubelet hostport manager's KUBE-HOSTPORTS; the CNI portmap plugin's job on k3s). */
export const HOSTPORTS_CHAIN = 'PIKUBE-HOSTPORTS';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 of the bytes (padding is irrelevant: we keep the first 16 characters). */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + BASE32[(value << (5 - bits)) & 31] : out;
}

function hash16(text: string): string {
  return base32(createHash('sha256').update(text, 'utf8').digest()).slice(0, 16);
}

/** `protocol` is lower case, as kube-proxy passes it. */
export function serviceChain(kind: 'SVC' | 'SVL' | 'EXT', portName: string, protocol: string): string {
  return `${CHAIN_PREFIX}${kind}-${hash16(portName + protocol)}`;
}

/** `endpoint` is `ip:port`. */
export function endpointChain(portName: string, protocol: string, endpoint: string): string {
  return `${CHAIN_PREFIX}SEP-${hash16(portName + protocol + endpoint)}`;
}

/** `key` names one pod's host port: pod, host port, protocol and host IP (the kubelet's hostportChainName). */
export function hostPortChain(key: string): string {
  return `${CHAIN_PREFIX}HP-${hash16(key)}`;
}

/** The proxy's fixed chains (other pikube parts may own other `PIKUBE-` chains: not these). */
export const PROXY_TOP_LEVEL_CHAINS: readonly string[] = [SERVICES_CHAIN, EXTERNAL_SERVICES_CHAIN, NODEPORTS_CHAIN, POSTROUTING_CHAIN, MARK_MASQ_CHAIN, FORWARD_CHAIN, FIREWALL_CHAIN, HOSTPORTS_CHAIN];

const SERVICE_CHAIN = /^PIKUBE-(SVC|SVL|EXT|SEP|HP)-[A-Z2-7]{16}$/;

/** Per-object chains: the ones that come and go with services, endpoints and pods' host ports (kube-proxy's isServiceChainName). */
export function isServiceChain(chain: string): boolean {
  return SERVICE_CHAIN.test(chain);
}

/** Every chain the service proxy owns, fixed or per service. */
export function isProxyChain(chain: string): boolean {
  return isServiceChain(chain) || PROXY_TOP_LEVEL_CHAINS.includes(chain);
}
