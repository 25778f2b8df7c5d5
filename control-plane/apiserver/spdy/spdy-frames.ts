/**
 * SPDY/3 framing (draft-mbelshe-httpbis-spdy-00, the version kubectl's SPDY/3.1 upgrade speaks
 * through moby/spdystream): an 8-byte header, then the payload. A control frame's header is
 * the control bit, version 3, a 16-bit type, 8-bit flags and a 24-bit length; a data frame's
 * is a 31-bit stream id, flags and length. Header blocks stay compressed here
 * (spdy-header-block.ts inflates them, in order).
 */

export const SPDY_VERSION = 3;
export const FLAG_FIN = 0x01;

export const CONTROL = { synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goAway: 7, headers: 8, windowUpdate: 9 } as const;

/** RST_STREAM status codes. */
export const RST = { protocolError: 1, invalidStream: 2, refusedStream: 3, cancel: 5, internalError: 6, streamInUse: 8, streamAlreadyClosed: 9 } as const;

/** GOAWAY status codes. */
export const GOAWAY = { ok: 0, protocolError: 1, internalError: 2 } as const;

/** Larger frames end the connection: kubectl's frames are at most 32 KiB of data. */
export const MAX_FRAME_PAYLOAD = 1024 * 1024;

export type SpdyFrame =
  | { type: 'data'; streamId: number; fin: boolean; data: Buffer }
  | { type: 'synStream'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'synReply' | 'headers'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'rstStream'; streamId: number; status: number }
  | { type: 'ping'; id: number }
  | { type: 'goAway'; lastGoodStreamId: number; status: number }
  /** SETTINGS, WINDOW_UPDATE and unknown control types: ignored (spdystream keeps no windows either). */
  | { type: 'ignored'; controlType: number };

export class SpdyProtocolError extends Error {
  override readonly name = 'SpdyProtocolError';
}

function streamIdAt(payload: Buffer, offset: number): number {
  return payload.readUInt32BE(offset) & 0x7fffffff;
}

function need(payload: Buffer, bytes: number, what: string): void {
  if (payload.length < bytes) throw new SpdyProtocolError(`${what} frame of ${payload.length} bytes, at least ${bytes} expected`);
}

function controlFrame(type: number, flags: number, payload: Buffer): SpdyFrame {
  const fin = (flags & FLAG_FIN) !== 0;
  switch (type) {
    case CONTROL.synStream:
      need(payload, 10, 'SYN_STREAM');
      return { type: 'synStream', streamId: streamIdAt(payload, 0), fin, headerBlock: payload.subarray(10) };
    case CONTROL.synReply:
    case CONTROL.headers:
      need(payload, 4, type === CONTROL.synReply ? 'SYN_REPLY' : 'HEADERS');
      return { type: type === CONTROL.synReply ? 'synReply' : 'headers', streamId: streamIdAt(payload, 0), fin, headerBlock: payload.subarray(4) };
    case CONTROL.rstStream:
      need(payload, 8, 'RST_STREAM');
      return { type: 'rstStream', streamId: streamIdAt(payload, 0), status: payload.readUInt32BE(4) };
    case CONTROL.ping:
      need(payload, 4, 'PING');
      return { type: 'ping', id: payload.readUInt32BE(0) };
    case CONTROL.goAway:
      need(payload, 8, 'GOAWAY');
      return { type: 'goAway', lastGoodStreamId: streamIdAt(payload, 0), status: payload.readUInt32BE(4) };
    default:
      return { type: 'ignored', controlType: type };
  }
}

/** Cuts a byte stream into frames; `push` returns every frame completed by the chunk. */
export class SpdyFrameParser {
  private buffered: Buffer[] = [];
  private bytes = 0;

  push(chunk: Buffer): SpdyFrame[] {
    this.buffered.push(chunk);
    this.bytes += chunk.length;
    const frames: SpdyFrame[] = [];
    for (let frame = this.next(); frame; frame = this.next()) frames.push(frame);
    return frames;
  }

  private next(): SpdyFrame | undefined {
    if (this.bytes < 8) return undefined;
    const all = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered);
    this.buffered = [all];
    const length = all.readUInt32BE(4) & 0xffffff;
    if (length > MAX_FRAME_PAYLOAD) throw new SpdyProtocolError(`a frame of ${length} bytes is larger than ${MAX_FRAME_PAYLOAD}`);
    if (all.length < 8 + length) return undefined;
    const payload = Buffer.from(all.subarray(8, 8 + length));
    const rest = all.subarray(8 + length);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.bytes = rest.length;
    return this.decode(all, payload);
  }

  private decode(header: Buffer, payload: Buffer): SpdyFrame {
    const flags = header[4];
    if ((header[0] & 0x80) === 0) return { type: 'data', streamId: header.readUInt32BE(0) & 0x7fffffff, fin: (flags & FLAG_FIN) !== 0, data: payload };
    const version = header.readUInt16BE(0) & 0x7fff;
    if (version !== SPDY_VERSION) throw new SpdyProtocolError(`SPDY version ${version} is not served (3 is)`);
    return controlFrame(header.readUInt16BE(2), flags, payload);
  }
}

function controlHeader(type: number, flags: number, length: number): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  header.writeUInt16BE(type, 2);
  header.writeUInt32BE(length, 4);
  header[4] = flags;
  return header;
}

function uint32s(...values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => out.writeUInt32BE(v >>> 0, i * 4));
  return out;
}

export function encodeData(streamId: number, data: Buffer, fin: boolean): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(streamId & 0x7fffffff, 0);
  header.writeUInt32BE(data.length, 4);
  header[4] = fin ? FLAG_FIN : 0;
  return Buffer.concat([header, data]);
}

/** SYN_REPLY with an already compressed header block. */
export function encodeSynReply(streamId: number, headerBlock: Buffer, fin: boolean): Buffer {
  const body = Buffer.concat([uint32s(streamId & 0x7fffffff), headerBlock]);
  return Buffer.concat([controlHeader(CONTROL.synReply, fin ? FLAG_FIN : 0, body.length), body]);
}

export function encodeRstStream(streamId: number, status: number): Buffer {
  return Buffer.concat([controlHeader(CONTROL.rstStream, 0, 8), uint32s(streamId & 0x7fffffff, status)]);
}

export function encodePing(id: number): Buffer {
  return Buffer.concat([controlHeader(CONTROL.ping, 0, 4), uint32s(id)]);
}

export function encodeGoAway(lastGoodStreamId: number, status: number): Buffer {
  return Buffer.concat([controlHeader(CONTROL.goAway, 0, 8), uint32s(lastGoodStreamId & 0x7fffffff, status)]);
}
