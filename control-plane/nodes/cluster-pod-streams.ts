/**
 * Logs, exec, attach and forwarded connections for a pod on any node, whichever replica holds
 * the node's session (issue 12): through the session here when this replica holds it, else
 * relayed by the replica that does (ReplicaService.RelayStream; the session records in etcd say
 * which). The API request was authenticated and authorized here; the relay carries only the
 * stream, between replicas only. Kubernetes' apiserver dials the kubelet instead; here the
 * agents dial, and a replica can reach only its own.
 */
import type { Pod } from '../../api/core-v1';
import { nodeWithoutSession, type PodExecParams, type PodLogParams, type PodStream, type PodStreamProvider } from '../apiserver/pod-stream-provider';
import type { PodStreams } from './pod-streams';
import { attachRequest, execRequest, logsRequest, portForwardRequest, type PodStreamRequest } from './pod-stream-requests';
import type { ReplicaTarget } from './replica-directory';
import type { ReplicaClients } from './replica-relay-client';

export interface ClusterPodStreamsOptions {
  local: Pick<PodStreams, 'isConnected' | 'open'>;
  /** The other replica holding the node's session (replica-directory.ts `holderOf`). */
  holderOf(nodeName: string): ReplicaTarget | undefined;
  relay: Pick<ReplicaClients, 'openStream'>;
}

export class ClusterPodStreams implements PodStreamProvider {
  constructor(private readonly opts: ClusterPodStreamsOptions) {}

  /** Some replica, this one or another, holds the node's session. */
  isConnected(nodeName: string): boolean {
    return this.opts.local.isConnected(nodeName) || this.opts.holderOf(nodeName) !== undefined;
  }

  openLogs(pod: Pod, p: PodLogParams, signal: AbortSignal): Promise<PodStream> {
    return this.open(pod, logsRequest(pod, p), signal);
  }

  openExec(pod: Pod, p: PodExecParams, signal: AbortSignal): Promise<PodStream> {
    return this.open(pod, execRequest(pod, p), signal);
  }

  openAttach(pod: Pod, p: PodExecParams, signal: AbortSignal): Promise<PodStream> {
    return this.open(pod, attachRequest(pod, p), signal);
  }

  openPortForward(pod: Pod, port: number, signal: AbortSignal): Promise<PodStream> {
    return this.open(pod, portForwardRequest(pod, port), signal);
  }

  private open(pod: Pod, kind: PodStreamRequest, signal: AbortSignal): Promise<PodStream> {
    const nodeName = pod.spec.nodeName ?? '';
    if (this.opts.local.isConnected(nodeName)) return this.opts.local.open(nodeName, kind, signal);
    const holder = this.opts.holderOf(nodeName);
    if (!holder) return Promise.reject(nodeWithoutSession(nodeName));
    return this.opts.relay.openStream(holder, nodeName, kind, signal);
  }
}
