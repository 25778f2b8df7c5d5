/**
 * The server side of one SPDY/3 connection, as kubectl's moby/spdystream client expects it:
 * the client opens every stream (SYN_STREAM, odd ids, increasing) and waits for our SYN_REPLY;
 * DATA flows both ways, FIN half-closes, RST_STREAM resets one stream; PINGs are echoed; GOAWAY
 * announces the end. No flow-control windows are kept (spdystream keeps none): the socket's
 * own backpressure is the flow control — a stream whose reader is behind pauses the socket.
 *
 * Frames are handled in arrival order; header blocks share one zlib stream, so a frame waits
 * for the headers before it to be inflated.
 */
import { setMaxListeners } from 'node:events';
import { Readable, type Duplex } from 'node:stream';
import { encodeData, encodeGoAway, encodePing, encodeRstStream, encodeSynReply, GOAWAY, RST, SpdyFrameParser, SpdyProtocolError, type SpdyFrame } from './spdy-frames';
import { encodeHeaderBlock, HeaderBlockReader, HeaderBlockWriter, type SpdyHeaders } from './spdy-header-block';

/** Largest DATA frame written (spdystream writes 32 KiB). */
const MAX_DATA_FRAME = 32 * 1024;
/** Bytes buffered for one stream's reader before the socket is paused. */
const STREAM_HIGH_WATER = 256 * 1024;
/** Streams open at once on one connection; more are refused (RST REFUSED_STREAM). */
export const MAX_OPEN_STREAMS = 1024;

export interface SpdyStream {
  readonly id: number;
  readonly headers: SpdyHeaders;
  /** The client's data; ends at its FIN; destroyed when the stream is reset or the connection ends. */
  readonly incoming: Readable;
  /** Aborts when the client reset the stream or the connection ended. */
  readonly gone: AbortSignal;
  /** Accepts the stream (SYN_REPLY). */
  reply(): void;
  /** Sends data; false when the connection's socket is full (wait for `SpdySession.drained`). */
  write(data: Buffer): boolean;
  /** Our FIN: nothing more will be written. Idempotent. */
  end(): void;
  /** Ends the stream both ways at once (RST_STREAM). Idempotent. */
  reset(status?: number): void;
}

class ServerStream implements SpdyStream {
  readonly incoming: Readable;
  private readonly aborter = new AbortController();
  private localDone = false;
  private remoteDone = false;
  private replied = false;

  constructor(readonly id: number, readonly headers: SpdyHeaders, private readonly session: SpdySession) {
    this.incoming = new Readable({ highWaterMark: STREAM_HIGH_WATER, read: () => session.resumeReading() });
    this.incoming.on('error', () => undefined);
  }

  get gone(): AbortSignal {
    return this.aborter.signal;
  }

  reply(): void {
    if (this.replied || this.gone.aborted) return;
    this.replied = true;
    this.session.send(encodeSynReply(this.id, this.session.headerBlock({}), false));
  }

  write(data: Buffer): boolean {
    if (this.localDone || this.gone.aborted) return true;
    let ok = true;
    for (let at = 0; at < data.length; at += MAX_DATA_FRAME) ok = this.session.send(encodeData(this.id, data.subarray(at, at + MAX_DATA_FRAME), false));
    return ok;
  }

  end(): void {
    if (this.localDone || this.gone.aborted) return;
    this.localDone = true;
    this.session.send(encodeData(this.id, Buffer.alloc(0), true));
    this.settle();
  }

  reset(status: number = RST.cancel): void {
    if (this.gone.aborted) return;
    this.session.send(encodeRstStream(this.id, status));
    this.abort('the stream was reset by the server');
  }

  /** Client data; false when the reader is behind. */
  data(bytes: Buffer, fin: boolean): boolean {
    if (this.remoteDone || this.gone.aborted) return true;
    const more = bytes.length === 0 || this.incoming.push(bytes);
    if (fin) this.remoteEnd();
    return more;
  }

  remoteEnd(): void {
    if (this.remoteDone) return;
    this.remoteDone = true;
    this.incoming.push(null);
    this.settle();
  }

  abort(reason: string): void {
    if (this.gone.aborted) return;
    this.aborter.abort(new Error(reason));
    if (!this.incoming.readableEnded) this.incoming.destroy(new Error(reason));
    this.session.forget(this.id);
  }

  private settle(): void {
    if (this.localDone && this.remoteDone) this.session.forget(this.id);
  }
}

export class SpdySession {
  private readonly parser = new SpdyFrameParser();
  private readonly reader = new HeaderBlockReader();
  private readonly writer = new HeaderBlockWriter();
  private readonly streams = new Map<number, ServerStream>();
  private readonly over = new AbortController();
  private lastStreamId = 0;
  private goingAway = false;
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(private readonly socket: Duplex, private readonly onStream: (stream: SpdyStream) => void, private readonly log: (line: string) => void = () => undefined) {
    // Every open stream's work listens for the connection's end.
    setMaxListeners(2 * MAX_OPEN_STREAMS + 16, this.over.signal);
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('error', () => undefined); // 'close' follows and cleans up
    socket.once('close', () => this.closed('the connection closed'));
    socket.once('end', () => socket.end());
  }

  /** Aborts once the connection is over. */
  get done(): AbortSignal {
    return this.over.signal;
  }

  /** Resolves when the socket accepts more (or the connection is over). */
  drained(): Promise<void> {
    if (!this.socket.writableNeedDrain || this.done.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = (): void => {
        this.socket.off('drain', finish);
        this.done.removeEventListener('abort', finish);
        resolve();
      };
      this.socket.once('drain', finish);
      this.done.addEventListener('abort', finish, { once: true });
    });
  }

  /** Ends the connection (GOAWAY, then the socket). */
  close(status: number = GOAWAY.ok): void {
    if (this.done.aborted) return;
    this.send(encodeGoAway(this.lastStreamId, status));
    this.socket.end();
    this.closed('the server closed the connection');
  }

  send(frame: Buffer): boolean {
    if (this.done.aborted || !this.socket.writable) return true;
    return this.socket.write(frame);
  }

  headerBlock(headers: Record<string, string>): Buffer {
    return this.writer.compress(encodeHeaderBlock(headers));
  }

  resumeReading(): void {
    if (!this.done.aborted) this.socket.resume();
  }

  forget(id: number): void {
    this.streams.delete(id);
  }

  private received(chunk: Buffer): void {
    let frames: SpdyFrame[];
    try {
      frames = this.parser.push(chunk);
    } catch (err: unknown) {
      return this.protocolError(err);
    }
    for (const frame of frames) this.enqueue(frame);
  }

  /** Handles frames in order: at once while no header block is being inflated, else after it. */
  private enqueue(frame: SpdyFrame): void {
    if (this.queued === 0 && !('headerBlock' in frame)) return this.handle(frame, undefined);
    this.queued++;
    const headers = 'headerBlock' in frame ? this.reader.inflateBlock(frame.headerBlock) : undefined;
    this.queue = this.queue.then(async () => {
      try {
        this.handle(frame, headers ? await headers : undefined);
      } catch (err: unknown) {
        this.protocolError(err);
      } finally {
        this.queued--;
      }
    });
  }

  private handle(frame: SpdyFrame, headers: SpdyHeaders | undefined): void {
    if (this.done.aborted) return;
    switch (frame.type) {
      case 'synStream': return this.synStream(frame.streamId, frame.fin, headers ?? new Map());
      case 'data': return this.dataFrame(frame.streamId, frame.data, frame.fin);
      case 'headers': return frame.fin ? this.streams.get(frame.streamId)?.remoteEnd() : undefined;
      case 'rstStream': return this.streams.get(frame.streamId)?.abort('the client reset the stream');
      case 'ping': return void this.send(encodePing(frame.id));
      case 'goAway': return void (this.goingAway = true);
      case 'synReply': return this.protocolError(new SpdyProtocolError('SYN_REPLY from the client: the server opens no streams'));
      default: return undefined;
    }
  }

  private synStream(id: number, fin: boolean, headers: SpdyHeaders): void {
    if (id % 2 !== 1 || id <= this.lastStreamId) return this.protocolError(new SpdyProtocolError(`stream id ${id} is not a new odd id`));
    this.lastStreamId = id;
    if (this.goingAway || this.streams.size >= MAX_OPEN_STREAMS) return void this.send(encodeRstStream(id, RST.refusedStream));
    const stream = new ServerStream(id, headers, this);
    this.streams.set(id, stream);
    if (fin) stream.remoteEnd();
    this.onStream(stream);
  }

  private dataFrame(id: number, data: Buffer, fin: boolean): void {
    const stream = this.streams.get(id);
    if (!stream) return; // a stream already reset or done: late data is dropped, as spdystream drops it
    if (!stream.data(data, fin)) this.socket.pause();
  }

  private protocolError(err: unknown): void {
    this.log(`spdy: ${err instanceof Error ? err.message : String(err)}`);
    this.close(GOAWAY.protocolError);
  }

  private closed(reason: string): void {
    if (this.over.signal.aborted) return;
    this.over.abort(new Error(reason));
    for (const stream of [...this.streams.values()]) stream.abort(reason);
    this.reader.dispose();
    if (!this.socket.destroyed) this.socket.end();
  }
}
