/**
 * What the API server needs from the node side to serve `pods/log`, `pods/exec` and
 * `pods/portforward` (and the proxy): a byte stream to one container or one of the pod's ports, opened through the agent of the pod's node (the kubelet's role).
 * Owned here, by its user; control-plane/nodes/pod-streams.ts implements it.
 */
import type { Readable } from 'node:stream';
import type { Pod } from '../../api/core-v1';
import { ApiError } from '../../api/errors';

/** PodLogOptions, checked, with the container already resolved. */
export interface PodLogParams {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  /** `sinceTime` as Unix milliseconds. */
  sinceUnixMs?: number;
  limitBytes?: number;
}

/** PodExecOptions, checked, with the container already resolved. */
export interface PodExecParams {
  container: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** One piece of the container's output, in order. */
export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/** How a stream ended: for exec the command's exit code (0 for logs); or why it failed. */
export type StreamResult = { ok: true; exitCode: number } | { ok: false; error: ApiError };

export interface PodStream {
  /**
   * The container's output (object mode, OutputChunk). It ends after the last chunk when the
   * agent ended the stream, and is destroyed with the error when the stream failed. Reading
   * slowly (or pausing it) slows the agent down; destroying it cancels the stream.
   */
  readonly output: Readable;
  /** Settles once the stream is over, however it ended; never rejects. */
  readonly result: Promise<StreamResult>;
  /** Forwards stdin; false when the caller should wait for `writable()` before sending more. */
  writeStdin(data: Buffer): boolean;
  /** Resolves when stdin accepts more (or the stream is over). */
  writable(): Promise<void>;
  closeStdin(): void;
  resize(width: number, height: number): void;
  /** Ends the stream from this side (the client went away): `output` is destroyed, `result` settles. Idempotent. */
  cancel(reason: string): void;
}

export interface PodStreamProvider {
  /** Whether the node has a live session with this control plane, so a stream can be asked for. */
  isConnected(nodeName: string): boolean;
  /**
   * Resolves once the agent has the container's log open. Rejects with an ApiError: the
   * kubelet's refusals (BadRequest), a node without a session or too many streams
   * (ServiceUnavailable), an agent that never answered (Timeout).
   */
  openLogs(pod: Pod, params: PodLogParams, signal: AbortSignal): Promise<PodStream>;
  /** Resolves once the command runs in the container; rejects as openLogs does. */
  openExec(pod: Pod, params: PodExecParams, signal: AbortSignal): Promise<PodStream>;
  /** Attaches to the container's main process (`command` is empty); rejects as openLogs does. */
  openAttach(pod: Pod, params: PodExecParams, signal: AbortSignal): Promise<PodStream>;
  /**
   * One TCP connection to `port` in the pod's network, dialed by its node's agent: `writeStdin`
   * sends bytes, `closeStdin` half-closes, `output` carries the pod's bytes (as stdout chunks).
   * Resolves once connected; rejects as openLogs does, a refused dial with the agent's message.
   */
  openPortForward(pod: Pod, port: number, signal: AbortSignal): Promise<PodStream>;
}

/** The answer of an API server started without a node service (tests, a misconfiguration). */
export function streamsUnavailable(): ApiError {
  return new ApiError('ServiceUnavailable', 'this API server has no connection to the nodes: logs and exec are not available');
}

/** The answer for a pod whose node has no session with any control-plane replica. */
export function nodeWithoutSession(nodeName: string): ApiError {
  return new ApiError('ServiceUnavailable', `node "${nodeName}" has no session with any control plane replica; its agent may be down or reconnecting`);
}
