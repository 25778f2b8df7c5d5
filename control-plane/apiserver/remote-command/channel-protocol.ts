/**
 * Kubernetes' websocket remote-command protocol (the `*.channel.k8s.io` subprotocols that
 * kubectl exec speaks since 1.30): every binary message starts with a channel byte —
 * 0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 resize — and v5 adds 255 "close", whose one
 * payload byte names the channel the client will not write again (stdin's EOF).
 *
 * The status channel carries, from v4 on, a meta/v1 Status as JSON: Success, or Failure with
 * reason NonZeroExitCode and an ExitCode cause (kubectl exits with it); before v4, only a
 * failure's message as text. Resize messages are `{"Width":…,"Height":…}` (v3 on).
 * https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apimachinery/pkg/util/remotecommand/constants.go
 */
import type { Status } from '../../../api/meta';
import { ApiError, badRequest } from '../../../api/errors';
import { statusOf } from '../status-response';
import type { StreamResult } from '../pod-stream-provider';

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** Served subprotocols and their versions; binary only (the base64 variants are not served). */
const PROTOCOL_VERSIONS: Record<string, number> = {
  'v5.channel.k8s.io': 5,
  'v4.channel.k8s.io': 4,
  'v3.channel.k8s.io': 3,
  'v2.channel.k8s.io': 2,
  'channel.k8s.io': 1,
};

export const SERVED_PROTOCOLS = Object.keys(PROTOCOL_VERSIONS);

/**
 * The versions served over SPDY (`X-Stream-Protocol-Version`), as the kubelet's streaming
 * server: v5 (the close signal) exists for websockets only.
 */
export const SPDY_SERVED_PROTOCOLS = SERVED_PROTOCOLS.filter((p) => PROTOCOL_VERSIONS[p] < 5);

/** The first of the client's offers that is served (the client lists its preference first), or undefined. */
export function negotiateProtocol(offered: Iterable<string>, served: readonly string[] = SERVED_PROTOCOLS): string | undefined {
  for (const p of offered) if (served.includes(p)) return p;
  return undefined;
}

/**
 * The version for an SPDY upgrade's `X-Stream-Protocol-Version` offers, or httpstream.Handshake's
 * refusals: no offer at all (400), no common version (403).
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/staging/src/k8s.io/apimachinery/pkg/util/httpstream/httpstream.go
 */
export function negotiateSpdyProtocol(offered: string[]): string {
  if (offered.length === 0) throw badRequest('unable to upgrade: X-Stream-Protocol-Version is required');
  const protocol = negotiateProtocol(offered, SPDY_SERVED_PROTOCOLS);
  if (protocol) return protocol;
  throw new ApiError('Forbidden', `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${SPDY_SERVED_PROTOCOLS.join(' ')}]`);
}

export function protocolVersion(protocol: string): number {
  return PROTOCOL_VERSIONS[protocol] ?? 0;
}

/** The `Sec-WebSocket-Protocol` request header as a list, in the client's order. */
export function offeredProtocols(header: string | string[] | undefined): string[] {
  const text = Array.isArray(header) ? header.join(',') : header ?? '';
  return text.split(',').map((p) => p.trim()).filter(Boolean);
}

export function encodeFrame(channel: number, data: Buffer | string): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from([channel]), payload]);
}

export interface TerminalSize {
  width: number;
  height: number;
}

/** What a client message means. Unknown channels are ignored, as Kubernetes' wsstream does. */
export type ClientFrame =
  | { type: 'stdin'; data: Buffer }
  | { type: 'resize'; size: TerminalSize }
  | { type: 'close'; channel: number }
  | { type: 'ignored'; why: string };

export function decodeClientFrame(message: Buffer, version: number): ClientFrame {
  if (message.length === 0) return { type: 'ignored', why: 'empty message' };
  const channel = message[0];
  const payload = message.subarray(1);
  if (channel === CHANNEL.close && version >= 5) {
    if (payload.length !== 1) return { type: 'ignored', why: `close signal with ${payload.length} bytes instead of 1` };
    return { type: 'close', channel: payload[0] };
  }
  if (channel === CHANNEL.stdin) return { type: 'stdin', data: payload };
  if (channel === CHANNEL.resize && version >= 3) {
    const size = parseTerminalSize(payload);
    return size ? { type: 'resize', size } : { type: 'ignored', why: 'malformed resize message' };
  }
  return { type: 'ignored', why: `no client data on channel ${channel}` };
}

/** `{"Width":80,"Height":24}` (uint16 each, as Kubernetes' TerminalSize); undefined when malformed. */
export function parseTerminalSize(payload: Buffer): TerminalSize | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  const { Width, Height } = (value ?? {}) as { Width?: unknown; Height?: unknown };
  const fits = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 0xffff;
  return fits(Width) && fits(Height) ? { width: Width, height: Height } : undefined;
}

/** A Status as the status channel carries it: no type meta, and no code for exit statuses. */
export type ChannelStatus = Omit<Status, 'code' | 'kind' | 'apiVersion'> & { code?: number };

/** The v4+ status for a finished command, as the kubelet writes it. */
export function resultStatus(result: StreamResult, command: string[]): ChannelStatus {
  if (result.ok && result.exitCode === 0) return { metadata: {}, status: 'Success' };
  if (result.ok) return exitCodeStatus(result.exitCode, command);
  return failureStatus(result.error);
}

function exitCodeStatus(exitCode: number, command: string[]): ChannelStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: command '${command.join(' ')}' exited with ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

function failureStatus(err: ApiError): ChannelStatus {
  const { kind: _kind, apiVersion: _apiVersion, ...status } = statusOf(err);
  return status;
}

/**
 * What ends a session on the status channel (websockets) or the error stream (SPDY): JSON
 * Status from v4; before v4 the failure's text only, nothing for success (exit codes cannot be told).
 */
export function statusMessage(result: StreamResult, command: string[], version: number): Buffer | undefined {
  const status = resultStatus(result, command);
  if (version >= 4) return Buffer.from(JSON.stringify(status));
  if (status.status === 'Success') return undefined;
  return Buffer.from(status.message ?? 'command failed');
}

/** The status message as one websocket message on the status channel. */
export function statusFrame(result: StreamResult, command: string[], version: number): Buffer | undefined {
  const message = statusMessage(result, command, version);
  return message && encodeFrame(CHANNEL.error, message);
}
