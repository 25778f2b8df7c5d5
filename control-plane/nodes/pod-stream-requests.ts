/**
 * The StreamRequest (proto/node.proto) that asks a node's agent for each kind of PodStream,
 * without its stream_id: built by the replica serving the API request, and either written on
 * the node's session here (pod-streams.ts) or relayed to the replica holding that session
 * (replica-relay-service.ts), which adds the id.
 */
import type { Pod } from '../../api/core-v1';
import type { StreamRequest } from '../../proto/generated/pikube/node/v1/StreamRequest';
import type { PodExecParams, PodLogParams } from '../apiserver/pod-stream-provider';

export type PodStreamRequest = Omit<StreamRequest, 'stream_id'>;

function podRef(pod: Pod): { namespace: string; name: string; uid: string } {
  return { namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' };
}

export function logsRequest(pod: Pod, p: PodLogParams): PodStreamRequest {
  return {
    logs: {
      pod: podRef(pod), container: p.container, follow: p.follow, previous: p.previous, timestamps: p.timestamps,
      tail_lines: p.tailLines ?? -1, since_seconds: p.sinceSeconds ?? 0, since_unix_ms: p.sinceUnixMs ?? 0, limit_bytes: p.limitBytes ?? 0,
    },
  };
}

export function execRequest(pod: Pod, p: PodExecParams): PodStreamRequest {
  return { exec: { pod: podRef(pod), container: p.container, command: p.command, stdin: p.stdin, stdout: p.stdout, stderr: p.stderr, tty: p.tty } };
}

export function attachRequest(pod: Pod, p: PodExecParams): PodStreamRequest {
  return { attach: { pod: podRef(pod), container: p.container, command: [], stdin: p.stdin, stdout: p.stdout, stderr: p.stderr, tty: p.tty } };
}

export function portForwardRequest(pod: Pod, port: number): PodStreamRequest {
  return { port_forward: { pod: podRef(pod), port } };
}
