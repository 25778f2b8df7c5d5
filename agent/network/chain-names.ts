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

/** The proxy's fixed chains (other pikube parts may own other `PIKUBE-` chains: not these). */
export const PROXY_TOP_LEVEL_CHAINS: readonly string[] = [SERVICES_CHAIN, EXTERNAL_SERVICES_CHAIN, NODEPORTS_CHAIN, POSTROUTING_CHAIN, MARK_MASQ_CHAIN, FORWARD_CHAIN, FIREWALL_CHAIN];

const SERVICE_CHAIN = /^PIKUBE-(SVC|SVL|EXT|SEP)-[A-Z2-7]{16}$/;

/** Per-service chains: the ones that come and go with services and endpoints (kube-proxy's isServiceChainName). */
export function isServiceChain(chain: string): boolean {
  return SERVICE_CHAIN.test(chain);
}

/** Every chain the service proxy owns, fixed or per service. */
export function isProxyChain(chain: string): boolean {
  return isServiceChain(chain) || PROXY_TOP_LEVEL_CHAINS.includes(chain);
}
