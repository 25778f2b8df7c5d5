/**
 * One established `Stream` call from an agent, seen by the API server as a PodStream: frames
 * from the agent become output chunks, stdin and resizes go the other way. Flow control is
 * end to end: the call is read only as fast as `output` is consumed (grpc-js reads the next
 * message on demand), so a slow kubectl slows Docker down instead of filling memory.
 *
 * The agent ends the stream with one StreamEnd; anything else that ends the call (the agent
 * gone, a cancel) is a failure. `cancel` ends the call from this side with CANCELLED.
 */
import { Readable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { ApiError, HTTP_STATUS, type ApiErrorCode } from '../../api/errors';
import type { StreamEnd__Output } from '../../proto/generated/pikube/node/v1/StreamEnd';
import type { StreamFrame, StreamFrame__Output } from '../../proto/generated/pikube/node/v1/StreamFrame';
import type { OutputChunk, PodStream, StreamResult } from '../apiserver/pod-stream-provider';

export type StreamCall = grpc.ServerDuplexStream<StreamFrame__Output, StreamFrame>;

/**
 * The call the frames travel on: the agent's `Stream` call (server side), or a relay call to the
 * replica holding the node's session (client side, replica-relay-client.ts), whose frames are the same.
 */
export interface FrameCall {
  /** StreamFrame__Output in, StreamFrame out (what a server call and a client call have alike). */
  readonly duplex: FrameDuplex;
  /** Ends the call from this side with a gRPC status. */
  abort(code: grpc.status, details: string): void;
}

/** What AgentStream uses of a call: frames in, stdin and resizes out, grpc-js's flow control. */
export interface FrameDuplex {
  on(event: 'data', listener: (frame: StreamFrame__Output) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'cancelled' | 'close', listener: () => void): unknown;
  once(event: 'drain', listener: () => void): unknown;
  off(event: 'drain', listener: () => void): unknown;
  pause(): unknown;
  resume(): unknown;
  write(frame: Pick<StreamFrame, 'stdin' | 'stdin_closed' | 'resize'>): boolean;
  end(): unknown;
  readonly writableNeedDrain: boolean;
}

/** The agent's `Stream` call: an error emitted on a server call is the status its client gets. */
export function agentCall(call: StreamCall): FrameCall {
  return { duplex: call, abort: (code, details) => call.emit('error', { code, details, metadata: undefined }) };
}

/** Output chunks buffered before the call is paused. */
const OUTPUT_HIGH_WATER_MARK = 16;
/** An agent's error message is shown to users: bounded. */
const MAX_MESSAGE_LENGTH = 4096;

function isErrorCode(reason: string): reason is ApiErrorCode {
  return Object.prototype.hasOwnProperty.call(HTTP_STATUS, reason);
}

/** The agent's StreamEnd as a result; an unknown reason is an internal error. */
export function resultOfEnd(end: StreamEnd__Output): StreamResult {
  if (end.success) return { ok: true, exitCode: end.exit_code };
  const message = (end.message || 'the node reported a failure without a message').slice(0, MAX_MESSAGE_LENGTH);
  return { ok: false, error: new ApiError(isErrorCode(end.reason) ? end.reason : 'InternalError', message) };
}

export class AgentStream implements PodStream {
  readonly output: Readable;
  readonly result: Promise<StreamResult>;
  private settle!: (result: StreamResult) => void;
  private over = false;

  /** `onOver` runs once, when the stream is over however it ended. */
  private readonly call: FrameDuplex;

  constructor(private readonly frames: FrameCall, private readonly nodeName: string, private readonly onOver: () => void) {
    const call = frames.duplex;
    this.call = call;
    this.result = new Promise((resolve) => (this.settle = resolve));
    this.output = new Readable({
      objectMode: true,
      highWaterMark: OUTPUT_HIGH_WATER_MARK,
      read: () => this.call.resume(),
      destroy: (err, callback) => {
        this.cancel('the client closed the stream');
        callback(err);
      },
    });
    // The error travels in `result` too: a consumer that has not attached yet must not crash the process.
    this.output.on('error', () => undefined);
    call.on('data', (frame: StreamFrame__Output) => this.receive(frame));
    call.on('error', (err: Error) => this.broken(err.message));
    call.on('cancelled', () => this.broken('the agent cancelled the stream'));
    call.on('close', () => this.broken('the stream closed without an end'));
  }

  /** Processes what the agent's first frame carried besides the stream id. */
  start(first: StreamFrame__Output): void {
    if (first.frame !== undefined) this.receive(first);
  }

  writeStdin(data: Buffer): boolean {
    if (this.over) return true;
    return this.call.write({ stdin: data });
  }

  writable(): Promise<void> {
    if (this.over || !this.call.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.call.off('drain', done);
        resolve();
      };
      this.call.once('drain', done);
      void this.result.then(done);
    });
  }

  closeStdin(): void {
    if (!this.over) this.call.write({ stdin_closed: true });
  }

  resize(width: number, height: number): void {
    if (!this.over) this.call.write({ resize: { width, height } });
  }

  cancel(reason: string): void {
    if (this.over) return;
    this.finish({ ok: false, error: new ApiError('InternalError', reason) });
    this.frames.abort(grpc.status.CANCELLED, reason);
  }

  private receive(frame: StreamFrame__Output): void {
    if (this.over) return;
    switch (frame.frame) {
      case 'stdout': return this.push({ stream: 'stdout', data: frame.stdout ?? Buffer.alloc(0) });
      case 'stderr': return this.push({ stream: 'stderr', data: frame.stderr ?? Buffer.alloc(0) });
      case 'end': return this.ended(frame.end ?? { success: false, exit_code: 0, reason: 'InternalError', message: 'empty end frame' });
      default: return this.protocolError(`unexpected frame ${JSON.stringify(frame.frame ?? 'empty')} from the agent`);
    }
  }

  private push(chunk: OutputChunk): void {
    if (!this.output.push(chunk)) this.call.pause();
  }

  /** The agent's own end: it half-closes its side; we answer with status OK. */
  private ended(end: StreamEnd__Output): void {
    this.finish(resultOfEnd(end));
    this.call.end();
  }

  private protocolError(message: string): void {
    this.finish({ ok: false, error: new ApiError('InternalError', `node "${this.nodeName}": ${message}`) });
    this.frames.abort(grpc.status.INVALID_ARGUMENT, message);
  }

  private broken(cause: string): void {
    if (this.over) return;
    this.finish({ ok: false, error: new ApiError('InternalError', `the stream from node "${this.nodeName}" broke: ${cause}`) });
  }

  private finish(result: StreamResult): void {
    if (this.over) return;
    this.over = true;
    this.settle(result);
    if (result.ok) this.output.push(null);
    else if (!this.output.destroyed) this.output.destroy(result.error);
    this.onOver();
  }
}
