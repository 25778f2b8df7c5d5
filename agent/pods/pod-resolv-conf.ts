/**
 * Each pod's /etc/resolv.conf as a file in the pod's directory (`<stateDir>/pods/<uid>/resolv.conf`,
 * removed with the pod's volumes), bind-mounted into every app and init container: Docker
 * leaves a user mount on /etc/resolv.conf alone. Like the kubelet, which forms a pod's DNS
 * config when it creates the sandbox, the file is written afresh for each new sandbox, and
 * only written again while that sandbox lives if it went missing.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Container, Pod } from '../../api/core-v1';
import { writeFileAtomic } from '../atomic-file';
import type { ContainerMount } from '../runtime/container-runtime';
import type { EventSpec } from './pod-event-log';
import { podDnsConfig } from './pod-dns-config';
import { parseResolvConf, renderResolvConf, type DnsConfig } from '../dns/resolv-conf';

/** The node's DNS settings (PodManagerOptions.dns). */
export interface PodDnsOptions {
  /** The cluster domain (`--cluster-domain`), e.g. `cluster.local`. */
  clusterDomain: string;
  /** The cluster DNS server's address (the agent's pod-bridge gateway); undefined while unknown. */
  nameserver(): string | undefined;
  /** The node's resolv.conf (the kubelet's `--resolv-conf`, e.g. /etc/resolv.conf); empty: none. */
  hostResolvConf: string;
}

export interface WrittenResolvConf {
  path: string;
  /** Warnings forming the config raised (none when an existing file was kept). */
  warnings: EventSpec[];
}

export const RESOLV_CONF_PATH = '/etc/resolv.conf';
const FILE_NAME = 'resolv.conf';

export class PodResolvConf {
  constructor(private readonly opts: PodDnsOptions, private readonly podDir: (podUid: string) => string, private readonly hostIP: string) {}

  /** Forms the pod's config now and writes it. Throws when the node's resolv.conf is unreadable or malformed, as GetPodDNS fails. */
  write(pod: Pod): WrittenResolvConf {
    const dir = this.podDir(pod.metadata.uid ?? '');
    const { config, warnings } = podDnsConfig(pod, { clusterDomain: this.opts.clusterDomain, clusterDns: this.opts.nameserver(), host: this.hostConfig(), hostIP: this.hostIP });
    mkdirSync(dir, { recursive: true, mode: 0o750 });
    const file = path.join(dir, FILE_NAME);
    // Atomic: a container starting meanwhile mounts the old file or the new one, never half of
    // one. Readable by all: containers may run as any user. Not synced: written afresh for
    // each sandbox (the kubelet does not sync it either).
    writeFileAtomic(file, renderResolvConf(config), 0o644, false);
    return { path: file, warnings };
  }

  /** The pod's file, written first when it is missing. */
  ensure(pod: Pod): WrittenResolvConf {
    const file = path.join(this.podDir(pod.metadata.uid ?? ''), FILE_NAME);
    return existsSync(file) ? { path: file, warnings: [] } : this.write(pod);
  }

  private hostConfig(): DnsConfig | undefined {
    const file = this.opts.hostResolvConf;
    if (!file) return undefined;
    const parsed = parseResolvConf(readFileSync(file, 'utf8'));
    if (parsed instanceof Error) throw new Error(`${file}: ${parsed.message}`);
    return parsed;
  }
}

/**
 * The bind mount of the pod's file at /etc/resolv.conf; none when the container mounts a
 * volume there itself (as containerd skips it). Read-only with a read-only root file system, as in containerd.
 */
export function resolvConfMount(file: string, container: Container): ContainerMount | undefined {
  if (container.volumeMounts?.some((m) => path.posix.normalize(m.mountPath) === RESOLV_CONF_PATH)) return undefined;
  return { source: file, target: RESOLV_CONF_PATH, readOnly: container.securityContext?.readOnlyRootFilesystem === true };
}
