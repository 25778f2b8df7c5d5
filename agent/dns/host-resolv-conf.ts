/**
 * Which resolv.conf describes the node's real resolvers (kubelet `--resolv-conf`). Like k3s,
 * when the configured file names only loopback resolvers (systemd-resolved's 127.0.0.53 stub,
 * which a pod or a forwarder in another namespace cannot reach) and systemd-resolved's full
 * list exists, that list is used instead. '' means none: nothing is forwarded anywhere.
 */
import { readFileSync } from 'node:fs';
import { nameserverAddresses, parseResolvConf } from './resolv-conf';

export const SYSTEMD_RESOLVED_CONF = '/run/systemd/resolve/resolv.conf';

function readOrEmpty(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const isLoopback = (ip: string): boolean => ip.startsWith('127.') || ip === '::1';

/** The file's nameserver addresses; none for a file that is missing or malformed. */
function nameserversIn(text: string | undefined): string[] {
  const config = parseResolvConf(text ?? '');
  return config instanceof Error ? [] : nameserverAddresses(config);
}

/** The resolv.conf path to use for `configured` ('' stays ''). */
export function effectiveResolvConf(configured: string, read: (path: string) => string | undefined = readOrEmpty): string {
  if (configured === '') return '';
  const servers = nameserversIn(read(configured));
  if (servers.length > 0 && servers.every(isLoopback) && read(SYSTEMD_RESOLVED_CONF) !== undefined) return SYSTEMD_RESOLVED_CONF;
  return configured;
}

/** The node's upstream resolvers, for forwarding names outside the cluster domain. */
export function hostNameservers(configured: string, read: (path: string) => string | undefined = readOrEmpty): string[] {
  const path = effectiveResolvConf(configured, read);
  return path === '' ? [] : nameserversIn(read(path));
}
