/**
 * The holder's half of the ReplicaService (proto/node.proto): another replica, serving an API
 * request it has authenticated and authorized, asks for a stream to a node whose session this
 * replica holds (`RelayStream`), or for what this replica knows of its nodes (`NodeFigures`:
 * the Lease's renewTime and the latest usage report). Only replicas may call it
 * (replica-identity.ts); the user's authorization was decided by the caller, as Kubernetes'
 * apiserver decides before it dials the kubelet.
 *
 * A relayed stream is opened here as any other (pod-streams.ts: the per-node bounds, the
 * agent's deadline) and carried frame for frame: output chunks out, stdin and resizes in, the
 * result as the last frame (a StreamEnd, as the agent would end it). Flow control is end to
 * end: the output is read only while the relay call accepts more, stdin only while the agent does.
 */
import { once } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { ApiError, toApiError } from '../../api/errors';
import type { NodeFigures } from '../../proto/generated/pikube/node/v1/NodeFigures';
import type { RelayFrame__Output } from '../../proto/generated/pikube/node/v1/RelayFrame';
import type { RelayOpen__Output } from '../../proto/generated/pikube/node/v1/RelayOpen';
import type { ReplicaServiceHandlers } from '../../proto/generated/pikube/node/v1/ReplicaService';
import type { StreamEnd } from '../../proto/generated/pikube/node/v1/StreamEnd';
import type { StreamFrame } from '../../proto/generated/pikube/node/v1/StreamFrame';
import type { OutputChunk, PodStream, StreamResult } from '../apiserver/pod-stream-provider';
import { toGrpcError } from './grpc-status';
import type { PodStreamRequest } from './pod-stream-requests';
import { replicaFromCertificate } from './replica-identity';

export type RelayCall = grpc.ServerDuplexStream<RelayFrame__Output, StreamFrame>;

export interface ReplicaRelayServiceOptions {
  /** This replica's streams to the nodes whose sessions it holds (PodStreams). */
  streams: { open(nodeName: string, kind: PodStreamRequest, signal: AbortSignal): Promise<PodStream> };
  /** What this replica knows of the nodes it has heard from (local-node-figures.ts). */
  figures(): NodeFigures[];
  caCertPem: string;
  /** How long a caller has to send its `open` frame. Default 10 s. */
  firstFrameTimeoutMs?: number;
}

function grpcFailure(call: { emit(event: 'error', status: object): boolean }, err: unknown): void {
  const status = toGrpcError(err);
  call.emit('error', { code: status.code, details: status.details, metadata: undefined });
}

function endOf(result: StreamResult): StreamEnd {
  if (result.ok) return { success: true, exit_code: result.exitCode };
  return { success: false, reason: result.error.code, message: result.error.message };
}

/** The `open` frame's request, or BadRequest: one kind of stream and a node name. */
export function relayedRequest(open: RelayOpen__Output | null | undefined): { nodeName: string; kind: PodStreamRequest } {
  const request = open?.request;
  const kind = request?.kind;
  if (!open || open.node_name === '' || open.node_name.length > 253) throw new ApiError('BadRequest', 'the first relay frame must be `open` with a node name');
  if (!request || !kind || !request[kind]) throw new ApiError('BadRequest', 'the relayed request names no kind of stream');
  return { nodeName: open.node_name, kind: { [kind]: request[kind] } };
}

export function replicaRelayHandlers(opts: ReplicaRelayServiceOptions): ReplicaServiceHandlers {
  return {
    RelayStream: (call) => void serveRelay(call, opts),
    NodeFigures: (call, callback) => {
      try {
        replicaFromCertificate(call.getAuthContext().sslPeerCertificate, opts.caCertPem);
        callback(null, { nodes: opts.figures() });
      } catch (err: unknown) {
        const status = toGrpcError(err);
        callback({ code: status.code, details: status.details });
      }
    },
  };
}

async function serveRelay(call: RelayCall, opts: ReplicaRelayServiceOptions): Promise<void> {
  const gone = new AbortController();
  const end = (): void => gone.abort();
  call.once('cancelled', end);
  call.once('error', end);
  call.once('close', end);
  let stream: PodStream;
  try {
    replicaFromCertificate(call.getAuthContext().sslPeerCertificate, opts.caCertPem);
    const { nodeName, kind } = relayedRequest(await firstFrame(call, opts.firstFrameTimeoutMs ?? 10_000, gone.signal));
    stream = await opts.streams.open(nodeName, kind, gone.signal);
  } catch (err: unknown) {
    if (gone.signal.aborted) return;
    const apiError = toApiError(err);
    // Refusals of the stream (the agent's, or this replica's bounds) travel as the agent's would: one StreamEnd.
    if (apiError.code === 'Unauthorized' || apiError.code === 'Forbidden') return grpcFailure(call, apiError);
    call.write({ end: endOf({ ok: false, error: apiError }) });
    call.end();
    return;
  }
  gone.signal.addEventListener('abort', () => stream.cancel('the relaying control plane closed the stream'), { once: true });
  call.write({});
  forwardInput(call, stream);
  await forwardOutput(stream, call, gone.signal);
  const result = await stream.result;
  if (gone.signal.aborted) return;
  call.write({ end: endOf(result) });
  call.end();
}

function firstFrame(call: RelayCall, timeoutMs: number, signal: AbortSignal): Promise<RelayOpen__Output | null | undefined> {
  return new Promise((resolve, reject) => {
    const timer = AbortSignal.timeout(timeoutMs);
    const stop = AbortSignal.any([timer, signal]);
    const onData = (frame: RelayFrame__Output): void => {
      done();
      call.pause();
      resolve(frame.frame === 'open' ? frame.open : undefined);
    };
    const onAbort = (): void => {
      done();
      reject(new ApiError('Timeout', `no open frame within ${timeoutMs} ms`));
    };
    const done = (): void => {
      call.off('data', onData);
      stop.removeEventListener('abort', onAbort);
    };
    call.on('data', onData);
    stop.addEventListener('abort', onAbort, { once: true });
  });
}

/** Stdin, its close and resizes go to the stream; the call is paused while the agent's side is full. */
function forwardInput(call: RelayCall, stream: PodStream): void {
  call.on('data', (frame: RelayFrame__Output) => {
    if (frame.frame === 'stdin' && frame.stdin && !stream.writeStdin(frame.stdin)) {
      call.pause();
      void stream.writable().then(() => call.resume());
    } else if (frame.frame === 'stdin_closed') stream.closeStdin();
    else if (frame.frame === 'resize' && frame.resize) stream.resize(frame.resize.width, frame.resize.height);
  });
  call.resume();
}

/** The output, chunk by chunk, while the call accepts more; ends when the output ends or breaks. */
async function forwardOutput(stream: PodStream, call: RelayCall, signal: AbortSignal): Promise<void> {
  try {
    for await (const chunk of stream.output as AsyncIterable<OutputChunk>) {
      const frame: StreamFrame = chunk.stream === 'stdout' ? { stdout: chunk.data } : { stderr: chunk.data };
      if (!call.write(frame)) await once(call, 'drain', { signal });
    }
  } catch {
    // The stream's failure is in its result; a closed call has already cancelled it.
  }
}
