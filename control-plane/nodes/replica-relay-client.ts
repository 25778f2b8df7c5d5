/**
 * The caller's half of the ReplicaService: this replica serves an API request (already
 * authorized here) for a node whose session another replica holds, and asks that replica for
 * the stream (`RelayStream`) or for its nodes' figures (`NodeFigures`). One gRPC channel per
 * other replica (identity and address: a restarted replica is a new identity and gets a fresh
 * channel), authenticated with this replica's own certificate (auth/replica-certificate.ts).
 *
 * A holder that cannot be reached is a 503 at once: the channel must be ready within
 * `connectTimeoutMs`, and a refused or failed connection does not wait for that. A relayed
 * stream is the agent's stream (AgentStream over the relay call): if the holder dies, or the
 * agent's session leaves it, the stream breaks as it would on the holder.
 */
import * as grpc from '@grpc/grpc-js';
import { ApiError } from '../../api/errors';
import { nodeProto } from '../../proto/node-proto';
import type { NodeFigures__Output } from '../../proto/generated/pikube/node/v1/NodeFigures';
import type { RelayFrame } from '../../proto/generated/pikube/node/v1/RelayFrame';
import type { ReplicaServiceClient } from '../../proto/generated/pikube/node/v1/ReplicaService';
import type { StreamFrame__Output } from '../../proto/generated/pikube/node/v1/StreamFrame';
import type { PodStream } from '../apiserver/pod-stream-provider';
import type { KeyPair } from '../auth/pki';
import { AgentStream, resultOfEnd } from './agent-stream';
import type { PodStreamRequest } from './pod-stream-requests';
import type { ReplicaTarget } from './replica-directory';

type RelayClientCall = grpc.ClientDuplexStream<RelayFrame, StreamFrame__Output>;

export interface ReplicaClientsOptions {
  caCertPem: string;
  /** This replica's client certificate (issueReplicaCertificate). */
  certificate: KeyPair;
  /** How long a channel to another replica has to become ready. Default 3 s. */
  connectTimeoutMs?: number;
  /** How long the holder has to answer a relayed stream: its agent's deadline (10 s) and a margin. Default 12 s. */
  firstFrameTimeoutMs?: number;
  /** How long a NodeFigures call may take. Default 2 s. */
  figuresTimeoutMs?: number;
}

export class ReplicaClients {
  private readonly clients = new Map<string, ReplicaServiceClient>();
  private readonly credentials: grpc.ChannelCredentials;

  constructor(private readonly opts: ReplicaClientsOptions) {
    const { caCertPem, certificate } = opts;
    this.credentials = grpc.credentials.createSsl(Buffer.from(caCertPem), Buffer.from(certificate.keyPem), Buffer.from(certificate.certPem));
  }

  /** A stream to `nodeName` through the replica holding its session; rejects with a 503 when that replica does not answer. */
  async openStream(holder: ReplicaTarget, nodeName: string, kind: PodStreamRequest, signal: AbortSignal): Promise<PodStream> {
    const client = await this.ready(holder, signal, `node "${nodeName}" holds its session with`);
    const call = client.RelayStream();
    call.on('error', () => undefined); // every error is read from the frames' listeners below
    call.write({ open: { node_name: nodeName, request: kind } });
    const first = await this.firstFrame(call, holder, signal);
    if (first.frame === 'end') {
      call.end();
      const result = resultOfEnd(first.end ?? { success: false, exit_code: 0, reason: 'InternalError', message: 'empty end frame' });
      throw result.ok ? new ApiError('InternalError', `node "${nodeName}" ended the stream before it started`) : result.error;
    }
    const stream = new AgentStream({ duplex: call, abort: () => call.cancel() }, nodeName, () => undefined);
    stream.start(first);
    return stream;
  }

  /** The figures of the nodes `target` has heard from; rejects when it does not answer in time. */
  async figures(target: ReplicaTarget): Promise<NodeFigures__Output[]> {
    const timeout = this.opts.figuresTimeoutMs ?? 2_000;
    const client = await this.ready(target, AbortSignal.timeout(timeout), 'the figures of nodes held by');
    return new Promise((resolve, reject) => {
      client.NodeFigures({}, { deadline: Date.now() + timeout }, (err, res) => (err || !res ? reject(err ?? new Error('no answer')) : resolve(res.nodes)));
    });
  }

  /** Closes the channels of replicas not in `live` (gone with their lease). */
  keepOnly(live: readonly ReplicaTarget[]): void {
    const keys = new Set(live.map(keyOf));
    for (const [key, client] of this.clients) {
      if (keys.has(key)) continue;
      client.close();
      this.clients.delete(key);
    }
  }

  dispose(): void {
    this.keepOnly([]);
  }

  private client(target: ReplicaTarget): ReplicaServiceClient {
    const key = keyOf(target);
    let client = this.clients.get(key);
    if (!client) {
      const Service = nodeProto().pikube.node.v1.ReplicaService;
      client = new Service(target.address, this.credentials, { 'grpc.keepalive_time_ms': 2_000, 'grpc.keepalive_timeout_ms': 2_000, 'grpc.keepalive_permit_without_calls': 1 });
      this.clients.set(key, client);
    }
    return client;
  }

  private async ready(target: ReplicaTarget, signal: AbortSignal, what: string): Promise<ReplicaServiceClient> {
    const client = this.client(target);
    const timeoutMs = this.opts.connectTimeoutMs ?? 3_000;
    try {
      await channelReady(client.getChannel(), timeoutMs, signal);
      return client;
    } catch (err: unknown) {
      signal.throwIfAborted();
      throw new ApiError('ServiceUnavailable', `${what} control plane replica "${target.identity}" (${target.address}), which cannot be reached: ${err instanceof Error ? err.message : String(err)}; if it died, its sessions move to another replica within seconds`);
    }
  }

  private firstFrame(call: RelayClientCall, holder: ReplicaTarget, signal: AbortSignal): Promise<StreamFrame__Output> {
    const timeoutMs = this.opts.firstFrameTimeoutMs ?? 12_000;
    const stop = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    return new Promise((resolve, reject) => {
      const done = (): void => {
        call.off('data', onData);
        call.off('error', onError);
        stop.removeEventListener('abort', onAbort);
      };
      const onData = (frame: StreamFrame__Output): void => {
        done();
        call.pause();
        resolve(frame);
      };
      const onError = (err: grpc.ServiceError): void => {
        done();
        reject(new ApiError('ServiceUnavailable', `control plane replica "${holder.identity}" (${holder.address}) failed the stream: ${err.details || err.message}`));
      };
      const onAbort = (): void => {
        done();
        call.cancel();
        reject(signal.aborted ? new ApiError('InternalError', 'the request was cancelled')
          : new ApiError('Timeout', `control plane replica "${holder.identity}" (${holder.address}) did not open the stream within ${timeoutMs} ms`));
      };
      call.on('data', onData);
      call.on('error', onError);
      stop.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function keyOf(target: ReplicaTarget): string {
  return `${target.identity}@${target.address}`;
}

/** Resolves once the channel is READY; rejects at once when a connection attempt fails, or after `timeoutMs`. */
function channelReady(channel: ReturnType<grpc.Client['getChannel']>, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = (err?: Error): void => {
      if (signal.aborted) return reject(signal.reason);
      if (err) return reject(new Error(`no connection within ${timeoutMs} ms`));
      const state = channel.getConnectivityState(true);
      if (state === grpc.connectivityState.READY) return resolve();
      if (state === grpc.connectivityState.TRANSIENT_FAILURE || state === grpc.connectivityState.SHUTDOWN) return reject(new Error('the connection failed'));
      channel.watchConnectivityState(state, deadline, check);
    };
    check();
  });
}
