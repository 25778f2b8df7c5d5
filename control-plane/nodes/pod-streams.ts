/**
 * Logs and exec through the agents (the kubelet's streaming server, turned around: the agent
 * dials, the control plane never does). Opening a stream writes a StreamRequest on the node's
 * Session; the agent dials `Stream` with the request's id in its first frame, proven by the
 * same node certificate as its session; that first frame either says "ready" (no payload) or
 * refuses with a StreamEnd (the kubelet's 400s: no such container, no previous instance...).
 *
 * Bounded: a request the agent never dials for expires; a node has at most
 * `maxStreamsPerNode` streams pending or open; an accepted call must name its stream at once.
 */
import { randomUUID } from 'node:crypto';
import type { Pod } from '../../api/core-v1';
import { ApiError } from '../../api/errors';
import type { StreamFrame__Output } from '../../proto/generated/pikube/node/v1/StreamFrame';
import type { StreamRequest } from '../../proto/generated/pikube/node/v1/StreamRequest';
import type { PodExecParams, PodLogParams, PodStream, PodStreamProvider } from '../apiserver/pod-stream-provider';
import { AgentStream, agentCall, resultOfEnd, type StreamCall } from './agent-stream';
import { toGrpcError } from './grpc-status';
import { nodeNameFromCertificate } from './node-identity';
import { attachRequest, execRequest, logsRequest, portForwardRequest, type PodStreamRequest } from './pod-stream-requests';

/** How the streams reach a node: its live session on this replica. */
export interface StreamTransport {
  /** Writes the request on the node's session; false when the node has no session here. */
  request(nodeName: string, request: StreamRequest): boolean;
  isConnected(nodeName: string): boolean;
}

export interface PodStreamLimits {
  /** How long the agent has to dial after the request. Default 10 s. */
  pendingTimeoutMs: number;
  /** Log and exec streams pending or open per node. Default 32. */
  maxStreamsPerNode: number;
  /** Forwarded connections (port-forward, proxy) pending or open per node. Default 256. */
  maxConnectionsPerNode: number;
  /** How long an accepted `Stream` call has to send its first frame. Default 10 s. */
  firstFrameTimeoutMs: number;
}

export const DEFAULT_STREAM_LIMITS: PodStreamLimits = { pendingTimeoutMs: 10_000, maxStreamsPerNode: 32, maxConnectionsPerNode: 256, firstFrameTimeoutMs: 10_000 };

interface Pending {
  nodeName: string;
  accept(call: StreamCall, first: StreamFrame__Output): void;
  fail(err: ApiError): void;
}

const STREAM_ID = /^[0-9a-f-]{36}$/;

function grpcFailure(call: StreamCall, err: unknown): void {
  const status = toGrpcError(err);
  call.emit('error', { code: status.code, details: status.details, metadata: undefined });
}

export class PodStreams implements PodStreamProvider {
  private readonly limits: PodStreamLimits;
  private readonly pending = new Map<string, Pending>();
  private readonly openStreams = new Set<AgentStream>();
  private readonly perNode = new Map<string, number>();
  private readonly connectionsPerNode = new Map<string, number>();

  constructor(private readonly transport: StreamTransport, private readonly caCertPem: string, limits: Partial<PodStreamLimits> = {}) {
    this.limits = { ...DEFAULT_STREAM_LIMITS, ...limits };
  }

  isConnected(nodeName: string): boolean {
    return this.transport.isConnected(nodeName);
  }

  openLogs(pod: Pod, p: PodLogParams, signal: AbortSignal): Promise<PodStream> {
    return this.open(pod.spec.nodeName ?? '', logsRequest(pod, p), signal);
  }

  openExec(pod: Pod, p: PodExecParams, signal: AbortSignal): Promise<PodStream> {
    return this.open(pod.spec.nodeName ?? '', execRequest(pod, p), signal);
  }

  openAttach(pod: Pod, p: PodExecParams, signal: AbortSignal): Promise<PodStream> {
    return this.open(pod.spec.nodeName ?? '', attachRequest(pod, p), signal);
  }

  openPortForward(pod: Pod, port: number, signal: AbortSignal): Promise<PodStream> {
    return this.open(pod.spec.nodeName ?? '', portForwardRequest(pod, port), signal);
  }

  /**
   * Asks the node's agent, over its session here, for the stream `kind` describes (built by
   * pod-stream-requests.ts, here or by the replica that relays it). Rejects as openLogs does.
   */
  async open(nodeName: string, kind: PodStreamRequest, signal: AbortSignal): Promise<PodStream> {
    signal.throwIfAborted();
    if (!this.transport.isConnected(nodeName)) throw notConnected(nodeName);
    const release = kind.port_forward ? this.takeConnection(nodeName) : this.take(nodeName);
    try {
      return await this.request(nodeName, kind, signal, release);
    } catch (err: unknown) {
      release();
      throw err;
    }
  }

  /** Serves one `Stream` call: who dials, which pending request it answers. */
  accept(call: StreamCall): void {
    let nodeName: string;
    try {
      nodeName = nodeNameFromCertificate(call.getAuthContext().sslPeerCertificate, this.caCertPem);
    } catch (err: unknown) {
      return grpcFailure(call, err);
    }
    this.awaitFirstFrame(call, nodeName);
  }

  /** The node's session ended: its requests not yet dialed for cannot be answered any more. */
  nodeDisconnected(nodeName: string): void {
    for (const p of [...this.pending.values()]) {
      if (p.nodeName === nodeName) p.fail(new ApiError('ServiceUnavailable', `node "${nodeName}" disconnected before opening the stream`));
    }
  }

  /** Fails every pending request and cancels every open stream. */
  dispose(): void {
    for (const p of [...this.pending.values()]) p.fail(new ApiError('ServiceUnavailable', 'the control plane is shutting down'));
    for (const s of [...this.openStreams]) s.cancel('the control plane is shutting down');
  }

  /** Streams pending or open for the node (for tests and metrics). */
  streamCount(nodeName: string): number {
    return (this.perNode.get(nodeName) ?? 0) + (this.connectionsPerNode.get(nodeName) ?? 0);
  }

  /** Counts a log or exec stream against the node's cap; the returned function gives the slot back (once). */
  private take(nodeName: string): () => void {
    return takeSlot(this.perNode, nodeName, this.limits.maxStreamsPerNode, 'log and exec streams');
  }

  private takeConnection(nodeName: string): () => void {
    return takeSlot(this.connectionsPerNode, nodeName, this.limits.maxConnectionsPerNode, 'forwarded connections');
  }

  private request(nodeName: string, kind: PodStreamRequest, signal: AbortSignal, release: () => void): Promise<AgentStream> {
    const id = randomUUID();
    const timeout = AbortSignal.timeout(this.limits.pendingTimeoutMs);
    const stop = AbortSignal.any([signal, timeout]);
    return new Promise<AgentStream>((resolve, reject) => {
      const done = (): void => {
        stop.removeEventListener('abort', onAbort);
        this.pending.delete(id);
      };
      const onAbort = (): void => pending.fail(timeout.aborted
        ? new ApiError('Timeout', `node "${nodeName}" did not open the stream within ${this.limits.pendingTimeoutMs} ms`)
        : new ApiError('InternalError', 'the request was cancelled'));
      const pending: Pending = {
        nodeName,
        accept: (call, first) => {
          done();
          this.established(call, first, nodeName, release).then(resolve, reject);
        },
        fail: (err) => {
          done();
          reject(err);
        },
      };
      this.pending.set(id, pending);
      stop.addEventListener('abort', onAbort, { once: true });
      if (!this.transport.request(nodeName, { ...kind, stream_id: id })) pending.fail(notConnected(nodeName));
    });
  }

  /** The agent answered: a refusal rejects, anything else is the stream. */
  private async established(call: StreamCall, first: StreamFrame__Output, nodeName: string, release: () => void): Promise<AgentStream> {
    if (first.frame === 'end') {
      call.end();
      const result = resultOfEnd(first.end ?? { success: false, exit_code: 0, reason: 'InternalError', message: 'empty end frame' });
      throw result.ok ? new ApiError('InternalError', `node "${nodeName}" ended the stream before it started`) : result.error;
    }
    const stream = new AgentStream(agentCall(call), nodeName, () => {
      this.openStreams.delete(stream);
      release();
    });
    this.openStreams.add(stream);
    stream.start(first);
    return stream;
  }

  private awaitFirstFrame(call: StreamCall, nodeName: string): void {
    const timer = AbortSignal.timeout(this.limits.firstFrameTimeoutMs);
    const cleanup = (): void => {
      call.off('data', onFirst);
      call.off('close', cleanup);
      timer.removeEventListener('abort', onTimeout);
    };
    const onTimeout = (): void => {
      cleanup();
      grpcFailure(call, new ApiError('Timeout', `no first frame within ${this.limits.firstFrameTimeoutMs} ms`));
    };
    const onFirst = (first: StreamFrame__Output): void => {
      cleanup();
      call.pause();
      this.route(call, nodeName, first);
    };
    call.on('data', onFirst);
    call.on('close', cleanup);
    call.on('error', () => undefined); // a call that dies before its first frame has nobody to tell
    timer.addEventListener('abort', onTimeout, { once: true });
  }

  private route(call: StreamCall, nodeName: string, first: StreamFrame__Output): void {
    const id = first.stream_id;
    const pending = STREAM_ID.test(id) ? this.pending.get(id) : undefined;
    if (!pending) return grpcFailure(call, new ApiError('NotFound', `no stream "${id.slice(0, 64)}" is waiting (it expired or was cancelled)`));
    if (pending.nodeName !== nodeName) {
      return grpcFailure(call, new ApiError('Forbidden', `node "${nodeName}" cannot open a stream requested from node "${pending.nodeName}"`));
    }
    pending.accept(call, first);
  }
}

function takeSlot(counts: Map<string, number>, nodeName: string, max: number, what: string): () => void {
  const count = counts.get(nodeName) ?? 0;
  if (count >= max) throw new ApiError('ServiceUnavailable', `node "${nodeName}" already has ${count} ${what} open (at most ${max}); try again later`);
  counts.set(nodeName, count + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (counts.get(nodeName) ?? 1) - 1;
    if (left > 0) counts.set(nodeName, left);
    else counts.delete(nodeName);
  };
}

function notConnected(nodeName: string): ApiError {
  return new ApiError('ServiceUnavailable', `node "${nodeName}" has no session with this control plane replica; its agent may be down or reconnecting`);
}
