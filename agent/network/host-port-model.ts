/**
 * A pod's published host ports, as the renderer takes them (the kubelet's PortMapping): one
 * entry per container port with a `hostPort`, for pods outside the host network. Built from the
 * pod spec and the address its sandbox got; init containers' ports are not published, as in
 * Kubernetes (the kubelet maps `spec.containers` only).
 */
import type { Pod } from '../../api/core-v1';

export interface HostPortMapping {
  /** `namespace/name`, for comments and the chain name. */
  pod: string;
  podIP: string;
  hostPort: number;
  containerPort: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  /** The one node address it answers on; '' (or 0.0.0.0): every local address. */
  hostIP: string;
}

/** The mappings of `pod` once its sandbox has `podIP`; none for a hostNetwork pod (its ports are the node's). */
export function hostPortMappings(pod: Pod, podIP: string): HostPortMapping[] {
  if (pod.spec.hostNetwork) return [];
  const name = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
  return pod.spec.containers.flatMap((c) => c.ports ?? []).filter((p) => (p.hostPort ?? 0) > 0).map((p) => ({
    pod: name, podIP, hostPort: p.hostPort ?? 0, containerPort: p.containerPort, protocol: p.protocol ?? 'TCP', hostIP: p.hostIP === '0.0.0.0' ? '' : p.hostIP ?? '',
  }));
}

/** Identifies the mapping's chain: the same pod, port, protocol and address keep the same chain. */
export function hostPortKey(m: HostPortMapping): string {
  return `${m.pod}/${m.hostIP}/${m.hostPort}/${m.protocol}`;
}
