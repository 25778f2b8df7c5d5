/**
 * The node's core/v1 NodeStatus facts: capacity, allocatable, nodeInfo and addresses, from
 * systeminformation and the Docker daemon. Conditions (Ready…) belong to the session, which
 * knows whether the node is connected.
 *
 * Allocatable follows the kubelet with no reservations configured: capacity minus the hard
 * eviction thresholds of memory.available and nodefs.available (`--eviction-hard`; by
 * default 100Mi and 10%).
 * https://kubernetes.io/docs/tasks/administer-cluster/reserve-compute-resources/
 */
import { readFile, statfs } from 'node:fs/promises';
import type Docker from 'dockerode';
import si from 'systeminformation';
import type { NodeStatus, NodeSystemInfo } from '../../api/core-v1';
import { Quantity } from '../../api/quantity';
import { DEFAULT_EVICTION_HARD, parseEvictionHard, thresholdBytes, type EvictionSignal, type Threshold } from '../eviction/eviction-thresholds';

export const KUBELET_VERSION = 'v1.32.0-pikube';
export const DEFAULT_MAX_PODS = 110;
const DEFAULT_THRESHOLDS = parseEvictionHard(DEFAULT_EVICTION_HARD);

export interface NodeInfoOptions {
  nodeName: string;
  /** Reported as the InternalIP address. */
  nodeIP: string;
  /** Overrides for simulated nodes sharing one machine. */
  memoryCapacityBytes?: number;
  cpuCapacity?: number;
  maxPods?: number;
  /** The hard eviction thresholds (`--eviction-hard`); default the kubelet's. */
  evictionHard?: Threshold[];
}

/** Everything measured; `nodeStatusFrom` turns it into the API shape. */
export interface NodeFacts {
  cpuCores: number;
  memoryBytes: number;
  /** Size of the filesystem holding Docker's data root. */
  storageBytes: number;
  maxPods: number;
  nodeInfo: NodeSystemInfo;
  nodeName: string;
  nodeIP: string;
  /** Default the kubelet's hard thresholds. */
  evictionHard?: Threshold[];
}

/** Node's `process.arch` spelled as Go's GOARCH, as Kubernetes reports it. */
export function goArch(arch: string = process.arch): string {
  const map: Record<string, string> = { x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[arch] ?? arch;
}

function bytes(n: number): string {
  return Quantity.fromValue(BigInt(Math.max(0, Math.floor(n))), 'BinarySI').canonical();
}

/** What a signal's hard threshold holds back of `capacity` (0 without one). */
function reserved(f: NodeFacts, signal: EvictionSignal, capacity: number): number {
  const t = (f.evictionHard ?? DEFAULT_THRESHOLDS).find((x) => x.signal === signal);
  return t ? thresholdBytes(t, capacity) : 0;
}

export function nodeStatusFrom(f: NodeFacts): NodeStatus {
  const capacity = {
    cpu: String(f.cpuCores), memory: bytes(f.memoryBytes), pods: String(f.maxPods), 'ephemeral-storage': bytes(f.storageBytes),
  };
  const allocatable = {
    ...capacity,
    memory: bytes(f.memoryBytes - reserved(f, 'memory.available', f.memoryBytes)),
    'ephemeral-storage': bytes(f.storageBytes - reserved(f, 'nodefs.available', f.storageBytes)),
  };
  return {
    capacity,
    allocatable,
    addresses: [{ type: 'InternalIP', address: f.nodeIP }, { type: 'Hostname', address: f.nodeName }],
    nodeInfo: f.nodeInfo,
  };
}

async function bootId(): Promise<string> {
  return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => '')).trim();
}

async function storageBytes(path: string): Promise<number> {
  const s = await statfs(path);
  return s.blocks * s.bsize;
}

async function systemInfo(runtimeVersion: string): Promise<NodeSystemInfo> {
  const [os, uuid, system] = await Promise.all([si.osInfo(), si.uuid(), si.system()]);
  return {
    machineID: uuid.os,
    systemUUID: uuid.hardware || system.uuid || '',
    bootID: await bootId(),
    kernelVersion: os.kernel,
    osImage: [os.distro, os.release, os.codename ? `(${os.codename})` : ''].filter(Boolean).join(' '),
    containerRuntimeVersion: `docker://${runtimeVersion}`,
    kubeletVersion: KUBELET_VERSION,
    kubeProxyVersion: KUBELET_VERSION,
    operatingSystem: 'linux',
    architecture: goArch(),
  };
}

/** Measures the node (systeminformation, the Docker daemon) and returns its NodeStatus. */
export async function collectNodeStatus(docker: Docker, opts: NodeInfoOptions, signal: AbortSignal): Promise<NodeStatus> {
  signal.throwIfAborted();
  // dockerode accepts options with an abortSignal here; its typings do not say so.
  const daemon = docker as unknown as { version(o: object): Promise<{ Version: string }>; info(o: object): Promise<{ DockerRootDir?: string }> };
  const [version, info, cpu, mem] = await Promise.all([daemon.version({ abortSignal: signal }), daemon.info({ abortSignal: signal }), si.cpu(), si.mem()]);
  signal.throwIfAborted();
  return nodeStatusFrom({
    cpuCores: opts.cpuCapacity ?? cpu.cores,
    memoryBytes: opts.memoryCapacityBytes ?? mem.total,
    storageBytes: await storageBytes(info.DockerRootDir ?? '/var/lib/docker'),
    maxPods: opts.maxPods ?? DEFAULT_MAX_PODS,
    nodeInfo: await systemInfo(version.Version),
    nodeName: opts.nodeName,
    nodeIP: opts.nodeIP,
    evictionHard: opts.evictionHard,
  });
}
