/** The agent's command line, parsed and checked before anything starts. */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { parseCidr } from './network/ipv4-cidr';

export interface AgentConfig {
  nodeName: string;
  /** Control-plane node-service addresses, `host:port`, tried in order. */
  servers: string[];
  caPem: string;
  certPem: string;
  keyPem: string;
  dockerSocket: string;
  nodeIP: string;
  cgroupRoot: string;
  stateDir: string;
  pauseImage: string;
  /** The cluster's pod CIDR (`--cluster-cidr`, default 10.42.0.0/16): node pod CIDRs lie in it; traffic within it is not masqueraded. */
  clusterCIDR: string;
}

const USAGE = `usage: pikube-agent --node-name NAME --servers HOST:PORT[,HOST:PORT] --ca FILE --cert FILE --key FILE
  --node-ip IP [--docker-host unix:///var/run/docker.sock] [--cgroup-root /pikube] [--state-dir DIR]
  [--pause-image pikube/pause:latest] [--cluster-cidr 10.42.0.0/16]`;

const NODE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function required(values: Record<string, string | undefined>, name: string): string {
  const v = values[name];
  if (!v) throw new Error(`--${name} is required\n${USAGE}`);
  return v;
}

function socketOf(dockerHost: string): string {
  if (!dockerHost.startsWith('unix://')) throw new Error(`--docker-host must be unix:///path, got "${dockerHost}"`);
  return dockerHost.slice('unix://'.length);
}

function checkServer(server: string): string {
  if (!/^[A-Za-z0-9.\-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(server)) throw new Error(`--servers: "${server}" is not host:port`);
  return server;
}

export function parseAgentConfig(argv: string[]): AgentConfig {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(['node-name', 'servers', 'ca', 'cert', 'key', 'docker-host', 'node-ip', 'cgroup-root', 'state-dir', 'pause-image', 'cluster-cidr']
      .map((n) => [n, { type: 'string' as const }])),
  });
  const v = values as Record<string, string | undefined>;
  const nodeName = required(v, 'node-name');
  if (!NODE_NAME.test(nodeName) || nodeName.length > 253) throw new Error(`--node-name "${nodeName}" is not a DNS-1123 subdomain`);
  const nodeIP = required(v, 'node-ip');
  if (!isIP(nodeIP)) throw new Error(`--node-ip "${nodeIP}" is not an IP address`);
  const cgroupRoot = v['cgroup-root'] ?? '/pikube';
  const clusterCIDR = v['cluster-cidr'] ?? '10.42.0.0/16';
  if (!parseCidr(clusterCIDR)) throw new Error(`--cluster-cidr "${clusterCIDR}" is not an IPv4 CIDR`);
  if (!/^\/[A-Za-z0-9._\-/]+$/.test(cgroupRoot)) throw new Error(`--cgroup-root "${cgroupRoot}" must be an absolute cgroup path`);
  return {
    nodeName,
    servers: required(v, 'servers').split(',').map(checkServer),
    caPem: readFileSync(required(v, 'ca'), 'utf8'),
    certPem: readFileSync(required(v, 'cert'), 'utf8'),
    keyPem: readFileSync(required(v, 'key'), 'utf8'),
    dockerSocket: socketOf(v['docker-host'] ?? 'unix:///var/run/docker.sock'),
    nodeIP,
    cgroupRoot,
    stateDir: v['state-dir'] ?? '/var/lib/pikube-agent',
    pauseImage: v['pause-image'] ?? 'pikube/pause:latest',
    clusterCIDR,
  };
}
