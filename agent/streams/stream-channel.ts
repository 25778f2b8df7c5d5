/**
 * The agent's end of one `Stream` call (proto/node.proto). The first frame names the stream:
 * either bare ("ready": the container's output follows) or carrying a StreamEnd (refused,
 * e.g. no previous instance). Then output frames, at most MAX_FRAME_BYTES each and sent only
 * as fast as gRPC flow control lets them go; and one StreamEnd. Output given in one turn of
 * the event loop leaves as one frame per stream run: Docker writes a log frame per line, and
 * a gRPC message per line would make a long log take seconds per megabyte. Frames from the control plane
 * (stdin, its close, terminal resizes) go to the input handlers. `closed` aborts when the
 * control plane ends the call (the client went away) or the connection breaks.
 */
import { once } from 'node:events';
import type * as grpc from '@grpc/grpc-js';
import type { StreamEnd } from '../../proto/generated/pikube/node/v1/StreamEnd';
import type { StreamFrame, StreamFrame__Output } from '../../proto/generated/pikube/node/v1/StreamFrame';

export type StreamClientCall = grpc.ClientDuplexStream<StreamFrame, StreamFrame__Output>;

/** Well under the control plane's 1 MiB message limit. */
export const MAX_FRAME_BYTES = 64 * 1024;

export interface StreamInput {
  stdin(data: Buffer): void;
  stdinClosed(): void;
  resize(width: number, height: number): void;
}

export class StreamChannel {
  private readonly over = new AbortController();
  private input?: StreamInput;
  private started = false;
  private ended = false;
  /** Output of one stream given in this turn of the event loop, not written yet. */
  private pending?: { stream: 'stdout' | 'stderr'; parts: Buffer[]; bytes: number };
  private flushQueued = false;

  constructor(private readonly call: StreamClientCall, private readonly streamId: string) {
    call.on('data', (frame: StreamFrame__Output) => this.receive(frame));
    call.on('error', () => this.over.abort(new Error('the control plane ended the stream')));
    call.on('end', () => this.over.abort(new Error('the control plane closed the stream')));
  }

  /** Aborts once the call is over from the control plane's side. */
  get closed(): AbortSignal {
    return this.over.signal;
  }

  /** Frames from the control plane go here from now on (frames before are dropped). */
  onInput(input: StreamInput): void {
    this.input = input;
  }

  /** Stops reading the control plane's frames until `resumeInput` (the process is not taking stdin). */
  pauseInput(): void {
    this.call.pause();
  }

  resumeInput(): void {
    this.call.resume();
  }

  /** The first frame: the stream is ready, output follows. */
  ready(): void {
    if (this.started || this.ended) return;
    this.started = true;
    this.call.write({ stream_id: this.streamId });
  }

  /** Refuses before anything started (the first frame carries the end), or fails a started stream. */
  fail(reason: string, message: string): void {
    this.end({ success: false, exit_code: 0, reason, message });
  }

  /** Queues output (written at the end of this turn, or at once past MAX_FRAME_BYTES); resolves when gRPC can take more. */
  async send(stream: 'stdout' | 'stderr', data: Buffer): Promise<void> {
    if (this.isOver || data.length === 0) return;
    if (this.pending && this.pending.stream !== stream) this.flush();
    this.pending ??= { stream, parts: [], bytes: 0 };
    this.pending.parts.push(data);
    this.pending.bytes += data.length;
    if (this.pending.bytes >= MAX_FRAME_BYTES) this.flush();
    else this.queueFlush();
    if (this.call.writableNeedDrain) await once(this.call, 'drain', { signal: this.over.signal }).catch(() => undefined);
  }

  /** The one StreamEnd, after any queued output, then our half-close. Idempotent. */
  end(end: StreamEnd): void {
    if (this.isOver) return;
    this.flush();
    this.ended = true;
    const first = this.started ? {} : { stream_id: this.streamId };
    this.started = true;
    this.call.write({ ...first, end });
    this.call.end();
  }

  /** Cancels the call outright (the agent is stopping). */
  cancel(): void {
    this.ended = true;
    this.call.cancel();
  }

  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  /** Writes the queued output in frames of at most MAX_FRAME_BYTES. */
  private flush(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending || this.isOver) return;
    const data = pending.parts.length === 1 ? pending.parts[0] : Buffer.concat(pending.parts);
    for (let at = 0; at < data.length; at += MAX_FRAME_BYTES) {
      const piece = data.subarray(at, at + MAX_FRAME_BYTES);
      this.call.write(pending.stream === 'stdout' ? { stdout: piece } : { stderr: piece });
    }
  }

  private get isOver(): boolean {
    return this.ended || this.over.signal.aborted;
  }

  private receive(frame: StreamFrame__Output): void {
    const input = this.input;
    if (!input || this.isOver) return;
    if (frame.frame === 'stdin' && frame.stdin) input.stdin(frame.stdin);
    else if (frame.frame === 'stdin_closed') input.stdinClosed();
    else if (frame.frame === 'resize' && frame.resize) input.resize(frame.resize.width, frame.resize.height);
  }
}
