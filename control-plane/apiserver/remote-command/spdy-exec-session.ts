/**
 * `kubectl exec` / `attach` over SPDY/3.1 (what kubectl up to 1.29 speaks), as the kubelet's
 * streaming server serves it: the client opens one stream per purpose, named by its
 * `streamType` header — `error`, `stdin`, `stdout`, `stderr`, and `resize` (v3 on, with a
 * TTY). Every stream is accepted; once those the request's options imply have arrived (within
 * the kubelet's 30 s stream creation timeout), the node's stream is opened and bytes flow:
 * stdin (its FIN closes the command's stdin), output, JSON terminal sizes. At the end the status
 * goes on the error stream — the same message as the websocket status channel — and every
 * stream is ended; the client then closes the connection.
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/kubelet/cri/streaming/remotecommand/httpstream.go
 *
 * The protocol's v1 (`channel.k8s.io`) is served as v2: the 1.0 kubelet's quirks (resetting
 * the error stream, closing stdin at once) are not reproduced.
 */
import { toApiError } from '../../../api/errors';
import type { OutputChunk, PodStream, StreamResult } from '../pod-stream-provider';
import { RST } from '../spdy/spdy-frames';
import { headerValue } from '../spdy/spdy-header-block';
import type { SpdyStream } from '../spdy/spdy-session';
import { protocolVersion, statusMessage } from './channel-protocol';
import { ResizeDecoder } from './resize-decoder';

/** The kubelet's DefaultStreamCreationTimeout. */
export const STREAM_CREATION_TIMEOUT_MS = 30_000;
/** How long a client that has every stream ended may keep the connection before it is closed. */
const CLOSE_GRACE_MS = 10_000;

const STREAM_TYPES = ['error', 'stdin', 'stdout', 'stderr', 'resize'] as const;
export type RemoteCommandStreamType = (typeof STREAM_TYPES)[number];

/** What the session needs of its SPDY connection (spdy-session.ts). */
export interface SpdyConnection {
  readonly done: AbortSignal;
  drained(): Promise<void>;
  close(): void;
}

export interface SpdyExecOptions {
  protocol: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  /** Defaults to STREAM_CREATION_TIMEOUT_MS. */
  streamCreationTimeoutMs?: number;
  log?: (line: string) => void;
}

function isStreamType(value: string | undefined): value is RemoteCommandStreamType {
  return (STREAM_TYPES as readonly (string | undefined)[]).includes(value);
}

/** The streams the kubelet waits for: error always, each requested stdio stream, resize for a TTY from v3. */
export function expectedStreams(opts: Pick<SpdyExecOptions, 'stdin' | 'stdout' | 'stderr' | 'tty'>, version: number): RemoteCommandStreamType[] {
  const types: RemoteCommandStreamType[] = ['error'];
  if (opts.stdin) types.push('stdin');
  if (opts.stdout) types.push('stdout');
  if (opts.stderr) types.push('stderr');
  if (opts.tty && version >= 3) types.push('resize');
  return types;
}

export class SpdyExecSession {
  private readonly version: number;
  private readonly expected: RemoteCommandStreamType[];
  private readonly streams = new Map<RemoteCommandStreamType, SpdyStream>();
  private allArrived!: () => void;
  private readonly arrived = new Promise<void>((resolve) => (this.allArrived = resolve));

  constructor(private readonly conn: SpdyConnection, private readonly opts: SpdyExecOptions) {
    this.version = protocolVersion(opts.protocol);
    this.expected = expectedStreams(opts, this.version);
  }

  /** Called for each stream the client opens; one the options do not ask for is accepted and drained, as the kubelet ignores it. */
  stream(stream: SpdyStream): void {
    const type = headerValue(stream.headers, 'streamtype');
    if (isStreamType(type) && this.streams.has(type)) return stream.reset(RST.streamInUse);
    stream.reply();
    if (!isStreamType(type) || !this.expected.includes(type)) return void stream.incoming.resume();
    this.streams.set(type, stream);
    if (this.expected.every((t) => this.streams.has(t))) this.allArrived();
  }

  /** Runs the session to its end; `open` asks the node for the stream. Never rejects. */
  async run(open: (signal: AbortSignal) => Promise<PodStream>): Promise<void> {
    if (!(await this.streamsArrived())) return this.conn.close();
    const gone = this.conn.done;
    let node: PodStream;
    try {
      node = await open(gone);
    } catch (err: unknown) {
      return this.end({ ok: false, error: toApiError(err) });
    }
    const cancel = (): void => node.cancel('the client closed the connection');
    if (gone.aborted) return cancel();
    gone.addEventListener('abort', cancel, { once: true });
    void this.toNode(node);
    void this.resizes(node);
    await this.fromNode(node);
    const result = await node.result;
    gone.removeEventListener('abort', cancel);
    this.end(result);
  }

  /** False when the connection ended or the client did not open every stream in time. */
  private streamsArrived(): Promise<boolean> {
    const expired = AbortSignal.timeout(this.opts.streamCreationTimeoutMs ?? STREAM_CREATION_TIMEOUT_MS);
    const stop = AbortSignal.any([expired, this.conn.done]);
    return new Promise((resolve) => {
      const giveUp = (): void => {
        if (expired.aborted) this.opts.log?.(`exec: timed out waiting for client to create streams (have ${[...this.streams.keys()].join(', ')}; want ${this.expected.join(', ')})`);
        resolve(false);
      };
      stop.addEventListener('abort', giveUp, { once: true });
      void this.arrived.then(() => {
        stop.removeEventListener('abort', giveUp);
        resolve(!stop.aborted);
      });
    });
  }

  /** stdin → the command; the client's FIN (or a reset) closes the command's stdin. */
  private async toNode(node: PodStream): Promise<void> {
    const stdin = this.streams.get('stdin');
    if (!stdin) return;
    try {
      for await (const chunk of stdin.incoming) {
        if (!node.writeStdin(chunk as Buffer)) await node.writable();
      }
    } catch {
      // A reset stream or a closed connection: the session's end follows.
    }
    node.closeStdin();
  }

  /** JSON terminal sizes → the command's TTY; a malformed stream is read on but ignored (the connection must not stall). */
  private async resizes(node: PodStream): Promise<void> {
    const resize = this.streams.get('resize');
    if (!resize) return;
    const decoder = new ResizeDecoder();
    try {
      for await (const chunk of resize.incoming) {
        for (const size of decoder.push(chunk as Buffer)) node.resize(size.width, size.height);
      }
    } catch {
      // As for stdin.
    }
  }

  /** The command's output → stdout/stderr, as fast as the client's socket takes it. */
  private async fromNode(node: PodStream): Promise<void> {
    try {
      for await (const chunk of node.output as AsyncIterable<OutputChunk>) {
        const target = this.streams.get(chunk.stream);
        if (target && !target.write(chunk.data)) await this.conn.drained();
      }
    } catch {
      // The failure is in node.result.
    }
  }

  /** The status on the error stream, then every stream ends; the connection closes when the client closes it, or after a grace period. */
  private end(result: StreamResult): void {
    if (this.conn.done.aborted) return;
    const message = statusMessage(result, this.opts.command, this.version);
    if (message) this.streams.get('error')?.write(message);
    for (const stream of this.streams.values()) {
      stream.end();
      stream.incoming.resume(); // unread client data (stdin of a command that never ran) must not stall the connection
    }
    const grace = AbortSignal.any([AbortSignal.timeout(CLOSE_GRACE_MS), this.conn.done]);
    grace.addEventListener('abort', () => this.conn.close(), { once: true });
  }
}
