/**
 * One attempt at a session: a gRPC client to one control-plane address and its single
 * bidirectional `Session` stream. It delivers what the control plane sends, lets the owner
 * write, and settles `ended` once with the reason the stream stopped. The owner (session.ts)
 * decides about heartbeats, retries and the desired set.
 */
import * as grpc from '@grpc/grpc-js';
import { nodeProto, type AgentMessage, type ControlMessage__Output } from '../proto/node-proto';
import type { NodeServiceClient } from '../proto/generated/pikube/node/v1/NodeService';
import type { StreamFrame, StreamFrame__Output } from '../proto/generated/pikube/node/v1/StreamFrame';
import type { ServiceAccountTokenRequest } from '../proto/generated/pikube/node/v1/ServiceAccountTokenRequest';
import type { ServiceAccountTokenResponse__Output } from '../proto/generated/pikube/node/v1/ServiceAccountTokenResponse';

export interface ConnectionHandlers {
  onMessage(message: ControlMessage__Output): void;
}

export interface KeepaliveOptions {
  /** Ping the server after this much silence on the connection. */
  timeMs?: number;
  /** A ping unanswered this long means the peer is gone. */
  timeoutMs?: number;
}

export interface ConnectionOptions {
  address: string;
  credentials: grpc.ChannelCredentials;
  keepalive?: KeepaliveOptions;
  /** TLS name to verify instead of the address's host (a certificate made for a DNS name). */
  serverNameOverride?: string;
  handlers: ConnectionHandlers;
}

/** A token request the control plane has not answered in this long is given up (and retried). */
const TOKEN_DEADLINE_MS = 10_000;

/** Big enough for the full object batch of a well-filled node and cluster; far from unbounded. */
const MAX_RECEIVE_BYTES = 32 * 1024 * 1024;

/** A dead peer is noticed within timeMs + timeoutMs (≈4 s by default), even with no traffic. */
export function channelOptions(opts: Pick<ConnectionOptions, 'keepalive' | 'serverNameOverride'>): grpc.ChannelOptions {
  const options: grpc.ChannelOptions = {
    'grpc.keepalive_time_ms': opts.keepalive?.timeMs ?? 2000,
    'grpc.keepalive_timeout_ms': opts.keepalive?.timeoutMs ?? 2000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.max_receive_message_length': MAX_RECEIVE_BYTES,
  };
  if (opts.serverNameOverride) options['grpc.ssl_target_name_override'] = opts.serverNameOverride;
  return options;
}

function describeEnd(err: Partial<grpc.StatusObject> & Error): string {
  const code = err.code !== undefined ? grpc.status[err.code] ?? String(err.code) : 'ERROR';
  return `${code}: ${err.details ?? err.message}`;
}

/** gRPC codes the node service answers a refused request with (grpc-status.ts): the API's own message says it all. */
const REFUSALS = new Set<number>([grpc.status.NOT_FOUND, grpc.status.PERMISSION_DENIED, grpc.status.INVALID_ARGUMENT, grpc.status.ALREADY_EXISTS, grpc.status.ABORTED]);

/**
 * Why a token was not given: a refusal as the API words it (`serviceaccounts "x" not found`,
 * which the kubelet's FailedMount shows after `failed to fetch token: `), anything else with
 * its gRPC code (`UNAVAILABLE: …`).
 */
export function tokenErrorText(err: Partial<grpc.StatusObject> & Error): string {
  return err.code !== undefined && REFUSALS.has(err.code) && err.details ? err.details : describeEnd(err);
}

export class SessionConnection {
  readonly ended: Promise<string>;
  private readonly client: NodeServiceClient;
  private readonly call: grpc.ClientDuplexStream<AgentMessage, ControlMessage__Output>;
  private finished = false;

  constructor(opts: ConnectionOptions) {
    const { NodeService } = nodeProto().pikube.node.v1;
    this.client = new NodeService(opts.address, opts.credentials, channelOptions(opts));
    this.call = this.client.Session();
    this.ended = new Promise<string>((resolve) => this.listen(opts.handlers, resolve));
  }

  get isOpen(): boolean {
    return !this.finished;
  }

  /** Writes one message; a no-op once the stream has ended (the owner resends after reconnecting). */
  send(message: AgentMessage): void {
    if (!this.finished) this.call.write(message);
  }

  /** Opens a logs or exec `Stream` call over this connection (agent/streams); throws once the channel is closed. */
  openStream(): grpc.ClientDuplexStream<StreamFrame, StreamFrame__Output> {
    return this.client.Stream();
  }

  /** A service-account token for one of the node's pods (the `ServiceAccountToken` call); rejects with the control plane's refusal. */
  requestToken(request: ServiceAccountTokenRequest, signal: AbortSignal): Promise<ServiceAccountTokenResponse__Output> {
    return new Promise((resolve, reject) => {
      const call = this.client.ServiceAccountToken(request, { deadline: Date.now() + TOKEN_DEADLINE_MS }, (err, response) => {
        signal.removeEventListener('abort', cancel);
        if (err || !response) reject(err ? new Error(tokenErrorText(err)) : new Error('empty answer'));
        else resolve(response);
      });
      const cancel = (): void => call.cancel();
      signal.addEventListener('abort', cancel, { once: true });
    });
  }

  /** Cancels the stream and closes the channel. Idempotent. */
  close(): void {
    this.finished = true;
    this.call.cancel();
    this.client.close();
  }

  private listen(handlers: ConnectionHandlers, resolve: (cause: string) => void): void {
    const finish = (cause: string): void => {
      this.finished = true;
      resolve(cause);
    };
    this.call.on('data', (message: ControlMessage__Output) => {
      if (!this.finished) handlers.onMessage(message);
    });
    this.call.on('error', (err: grpc.ServiceError) => finish(describeEnd(err)));
    this.call.on('end', () => finish('the control plane closed the session'));
  }
}
