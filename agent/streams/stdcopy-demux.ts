/**
 * Docker's multiplexed stream (stdcopy, used for logs and exec without a TTY): frames of an
 * 8-byte header — stream type (0 stdin, 1 stdout, 2 stderr, 3 the daemon's own error), three
 * zero bytes, payload length as big-endian uint32 — then the payload. Payload bytes are passed
 * on as they arrive, never buffered to a whole frame, so memory stays bounded whatever length
 * a header claims; consecutive payloads of one stream within one input chunk leave as one
 * chunk (a log is a frame per line: a chunk per line would cost a message per line
 * downstream). A daemon error frame or an unknown stream type fails the stream.
 * https://docs.docker.com/engine/api/v1.41/#tag/Container/operation/ContainerAttach
 */
import { Transform, type TransformCallback } from 'node:stream';

export const HEADER_BYTES = 8;

export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

const SYSTEM_ERROR = 3;

/** Bytes in, OutputChunk objects out. */
export class StdcopyDemux extends Transform {
  private header = Buffer.alloc(0);
  private streamType = 0;
  private remaining = 0;
  /** A daemon error frame's text, collected whole (bounded) before failing. */
  private systemError: Buffer[] = [];
  /** Payload of one stream read from the current input chunk, not pushed yet. */
  private pending?: { stream: OutputChunk['stream']; parts: Buffer[] };

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let rest = chunk;
    try {
      while (rest.length > 0) rest = this.remaining > 0 ? this.payload(rest) : this.readHeader(rest);
    } catch (err: unknown) {
      return callback(err as Error);
    }
    this.flushPending();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.header.length > 0) return callback(new Error(`docker stream ended inside a frame header (${this.header.length} of ${HEADER_BYTES} bytes)`));
    callback();
  }

  private readHeader(bytes: Buffer): Buffer {
    const need = HEADER_BYTES - this.header.length;
    this.header = Buffer.concat([this.header, bytes.subarray(0, need)]);
    if (this.header.length < HEADER_BYTES) return Buffer.alloc(0);
    this.streamType = this.header[0];
    this.remaining = this.header.readUInt32BE(4);
    this.header = Buffer.alloc(0);
    if (this.streamType > SYSTEM_ERROR) throw new Error(`docker stream: unknown stream type ${this.streamType}`);
    return bytes.subarray(need);
  }

  private payload(bytes: Buffer): Buffer {
    const data = bytes.subarray(0, this.remaining);
    this.remaining -= data.length;
    if (this.streamType === SYSTEM_ERROR) this.collectSystemError(data);
    else this.collect(this.streamType === 2 ? 'stderr' : 'stdout', data);
    return bytes.subarray(data.length);
  }

  private collect(stream: OutputChunk['stream'], data: Buffer): void {
    if (this.pending?.stream !== stream) this.flushPending();
    this.pending ??= { stream, parts: [] };
    this.pending.parts.push(data);
  }

  private flushPending(): void {
    if (!this.pending) return;
    const { stream, parts } = this.pending;
    this.pending = undefined;
    this.push({ stream, data: parts.length === 1 ? parts[0] : Buffer.concat(parts) } satisfies OutputChunk);
  }

  private collectSystemError(data: Buffer): void {
    if (this.systemError.reduce((n, b) => n + b.length, 0) < 4096) this.systemError.push(data);
    if (this.remaining === 0) throw new Error(`error from daemon in stream: ${Buffer.concat(this.systemError).toString('utf8').slice(0, 4096)}`);
  }
}
