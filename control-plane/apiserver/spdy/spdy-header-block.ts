/**
 * SPDY/3 name/value header blocks: a 32-bit pair count, then each name and value with a 32-bit
 * length (several values of one name joined by NUL). Each direction compresses its blocks as
 * one zlib stream with the SPDY dictionary, flushed (Z_SYNC_FLUSH) after every block.
 *
 * Incoming blocks are inflated with Node's zlib, one at a time in arrival order (they share one
 * stream). Outgoing blocks — a few empty SYN_REPLYs — are written as zlib "stored" blocks:
 * valid deflate data any inflater reads, made synchronously and without a compressor's memory.
 */
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary';
import { SpdyProtocolError } from './spdy-frames';

/** Decoded headers: lower-case names, each with its values. */
export type SpdyHeaders = Map<string, string[]>;

/** An inflated header block larger than this ends the connection (a kubectl block is ~60 bytes). */
const MAX_HEADER_BLOCK_BYTES = 64 * 1024;

export function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const entries = Object.entries(headers);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(entries.length);
  parts.push(count);
  for (const [name, value] of entries) {
    for (const text of [name.toLowerCase(), value]) {
      const bytes = Buffer.from(text, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      parts.push(length, bytes);
    }
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  const headers: SpdyHeaders = new Map();
  let at = 0;
  const read = (): string => {
    if (at + 4 > block.length) throw new SpdyProtocolError('truncated header block');
    const length = block.readUInt32BE(at);
    if (at + 4 + length > block.length) throw new SpdyProtocolError('truncated header block');
    const text = block.subarray(at + 4, at + 4 + length).toString('utf8');
    at += 4 + length;
    return text;
  };
  if (block.length < 4) throw new SpdyProtocolError('truncated header block');
  const count = block.readUInt32BE(0);
  at = 4;
  for (let i = 0; i < count; i++) {
    const name = read().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), ...read().split('\0')]);
  }
  return headers;
}

/** The first value of a header, or undefined. */
export function headerValue(headers: SpdyHeaders, name: string): string | undefined {
  return headers.get(name.toLowerCase())?.[0];
}

/** A non-final stored deflate block: BFINAL 0 and BTYPE 00 padded to a byte, LEN and its complement, the bytes. */
function storedBlock(piece: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt16LE(piece.length, 1);
  head.writeUInt16LE(~piece.length & 0xffff, 3);
  return Buffer.concat([head, piece]);
}

/** The outgoing zlib stream: stored (uncompressed) deflate blocks after a zlib header. */
export class HeaderBlockWriter {
  private started = false;

  /** The compressed form of one block, continuing the connection's stream. */
  compress(block: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      parts.push(Buffer.from([0x78, 0x01])); // deflate, 32 KiB window, no preset dictionary needed to read it
    }
    for (let at = 0; at < block.length; at += 0xffff) parts.push(storedBlock(block.subarray(at, at + 0xffff)));
    // The empty stored block of a sync flush: inflaters (Go's flate) hand out a block's bytes only once they see it.
    parts.push(storedBlock(Buffer.alloc(0)));
    return Buffer.concat(parts);
  }
}

/** The incoming zlib stream, inflated one block at a time in order. */
export class HeaderBlockReader {
  private readonly inflate = zlib.createInflate({ dictionary: SPDY3_DICTIONARY });
  private queue: Promise<unknown> = Promise.resolve();
  private failed?: Error;

  constructor() {
    this.inflate.on('error', (err: Error) => (this.failed = err));
  }

  /** Inflates the next block; blocks must be given in the order they arrived. */
  inflateBlock(compressed: Buffer): Promise<SpdyHeaders> {
    const next = this.queue.then(() => this.run(compressed));
    this.queue = next.catch(() => undefined);
    return next;
  }

  dispose(): void {
    this.inflate.destroy();
  }

  private run(compressed: Buffer): Promise<SpdyHeaders> {
    return new Promise((resolve, reject) => {
      if (this.failed) return reject(new SpdyProtocolError(`header compression: ${this.failed.message}`));
      const parts: Buffer[] = [];
      let bytes = 0;
      const onData = (chunk: Buffer): void => {
        parts.push(chunk);
        bytes += chunk.length;
        if (bytes <= MAX_HEADER_BLOCK_BYTES) return;
        this.failed = new Error(`a header block of more than ${MAX_HEADER_BLOCK_BYTES} bytes`);
        this.inflate.off('data', onData);
        this.inflate.destroy();
        reject(new SpdyProtocolError(this.failed.message));
      };
      this.inflate.on('data', onData);
      this.inflate.write(compressed);
      this.inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        this.inflate.off('data', onData);
        if (this.failed) return reject(new SpdyProtocolError(`header compression: ${this.failed.message}`));
        try {
          resolve(decodeHeaderBlock(Buffer.concat(parts)));
        } catch (err: unknown) {
          reject(err);
        }
      });
    });
  }
}
