/**
 * A StreamRequest from the control plane, checked before anything reaches Docker (STYLE
 * rule 13): names are the safe names the pod manager uses, numbers are in range, an exec has
 * a bounded command. Proto3 zeros mean "absent" (see LogRequest in proto/node.proto).
 */
import type { StreamRequest__Output } from '../../proto/generated/pikube/node/v1/StreamRequest';
import type { PodRef__Output } from '../../proto/generated/pikube/node/v1/PodRef';
import { isSafeName } from '../pods/docker-labels';

export interface PodTarget {
  namespace: string;
  name: string;
  uid: string;
  container: string;
}

export interface LogStreamRequest {
  kind: 'logs';
  target: PodTarget;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceUnixMs?: number;
  limitBytes?: number;
}

export interface ExecStreamRequest {
  /** `attach` joins the container's main process (command empty); `exec` starts `command`. */
  kind: 'exec' | 'attach';
  target: PodTarget;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** One TCP connection to a port of the pod (port-forward, the API server's proxy). */
export interface PortForwardStreamRequest {
  kind: 'portForward';
  target: Omit<PodTarget, 'container'>;
  port: number;
}

export type ValidStreamRequest = LogStreamRequest | ExecStreamRequest | PortForwardStreamRequest;

const MAX_COMMAND_ARGS = 1024;
const MAX_COMMAND_BYTES = 64 * 1024;
export const STREAM_ID = /^[0-9a-f-]{36}$/;

export class InvalidStreamRequest extends Error {
  override readonly name = 'InvalidStreamRequest';
}

function fail(message: string): never {
  throw new InvalidStreamRequest(message);
}

function checkNames(pairs: [string, string][]): void {
  for (const [what, value] of pairs) {
    if (!isSafeName(value)) fail(`${what} ${JSON.stringify(value.slice(0, 64))} is not a valid name`);
  }
}

function podOf(pod: PodRef__Output | null | undefined): Omit<PodTarget, 'container'> {
  if (!pod) fail('the request names no pod');
  checkNames([['namespace', pod.namespace], ['pod name', pod.name], ['pod uid', pod.uid]]);
  return { namespace: pod.namespace, name: pod.name, uid: pod.uid };
}

function targetOf(pod: PodRef__Output | null | undefined, container: string): PodTarget {
  const ref = podOf(pod);
  checkNames([['container name', container]]);
  return { ...ref, container };
}

function portForwardRequest(r: NonNullable<StreamRequest__Output['port_forward']>): PortForwardStreamRequest {
  const target = podOf(r.pod);
  if (!Number.isInteger(r.port) || r.port < 1 || r.port > 65535) fail(`port ${r.port} is not in 1-65535`);
  return { kind: 'portForward', target, port: r.port };
}

function positive(n: number): number | undefined {
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function logsRequest(r: NonNullable<StreamRequest__Output['logs']>, nowMs: number): LogStreamRequest {
  const sinceUnixMs = positive(r.since_unix_ms) ?? (positive(r.since_seconds) !== undefined ? nowMs - r.since_seconds * 1000 : undefined);
  return {
    kind: 'logs', target: targetOf(r.pod, r.container), follow: r.follow, previous: r.previous, timestamps: r.timestamps,
    tailLines: Number.isSafeInteger(r.tail_lines) && r.tail_lines >= 0 ? r.tail_lines : undefined,
    sinceUnixMs, limitBytes: positive(r.limit_bytes),
  };
}

function attachRequest(r: NonNullable<StreamRequest__Output['attach']>): ExecStreamRequest {
  const target = targetOf(r.pod, r.container);
  if (r.command.length > 0) fail('an attach runs no command');
  if (!r.stdin && !r.stdout && !r.stderr) fail('at least one of stdin, stdout and stderr is required');
  return { kind: 'attach', target, command: [], stdin: r.stdin, stdout: r.stdout, stderr: r.stderr && !r.tty, tty: r.tty };
}

function execRequest(r: NonNullable<StreamRequest__Output['exec']>): ExecStreamRequest {
  const target = targetOf(r.pod, r.container);
  if (r.command.length === 0) fail('the command is empty');
  if (r.command.length > MAX_COMMAND_ARGS) fail(`the command has more than ${MAX_COMMAND_ARGS} arguments`);
  if (r.command.reduce((n, a) => n + Buffer.byteLength(a), 0) > MAX_COMMAND_BYTES) fail(`the command is longer than ${MAX_COMMAND_BYTES} bytes`);
  if (!r.stdin && !r.stdout && !r.stderr) fail('at least one of stdin, stdout and stderr is required');
  return { kind: 'exec', target, command: [...r.command], stdin: r.stdin, stdout: r.stdout, stderr: r.stderr && !r.tty, tty: r.tty };
}

/** Throws InvalidStreamRequest; `nowMs` turns sinceSeconds into a time. */
export function validateStreamRequest(request: StreamRequest__Output, nowMs: number): ValidStreamRequest {
  if (request.kind === 'logs' && request.logs) return logsRequest(request.logs, nowMs);
  if (request.kind === 'exec' && request.exec) return execRequest(request.exec);
  if (request.kind === 'attach' && request.attach) return attachRequest(request.attach);
  if (request.kind === 'port_forward' && request.port_forward) return portForwardRequest(request.port_forward);
  return fail(`unknown stream kind ${JSON.stringify(request.kind ?? '')}`);
}
