/**
 * The client's end of an SPDY/3 connection for tests, written the way moby/spdystream
 * behaves (zlib-compressed header blocks with the SPDY dictionary, a sync flush per block):
 * opens streams, sends data, and records what the server sends on each stream.
 */
import assert from 'node:assert/strict';
import type net from 'node:net';
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from '../../../../../control-plane/apiserver/spdy/spdy-dictionary';
import { CONTROL, encodeData, SpdyFrameParser, type SpdyFrame } from '../../../../../control-plane/apiserver/spdy/spdy-frames';
import { encodeHeaderBlock, HeaderBlockReader } from '../../../../../control-plane/apiserver/spdy/spdy-header-block';

export class SpdyClient {
  readonly frames: SpdyFrame[] = [];
  readonly received = new Map<number, { data: string; fin: boolean; replied: boolean; reset: boolean }>();
  private readonly deflate = zlib.createDeflate({ dictionary: SPDY3_DICTIONARY });
  private readonly parser = new SpdyFrameParser();
  private readonly inflater = new HeaderBlockReader();
  private nextId = 1;

  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.parser.push(chunk)) this.frame(f);
    });
  }

  async open(headers: Record<string, string>): Promise<number> {
    const id = this.nextId;
    this.nextId += 2;
    const parts: Buffer[] = [];
    const onData = (c: Buffer): number => parts.push(c);
    this.deflate.on('data', onData);
    this.deflate.write(encodeHeaderBlock(headers));
    await new Promise<void>((resolve) => this.deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
    this.deflate.off('data', onData);
    const block = Buffer.concat(parts);
    const body = Buffer.alloc(10 + block.length);
    body.writeUInt32BE(id, 0);
    block.copy(body, 10);
    this.control(CONTROL.synStream, 0, body);
    this.received.set(id, { data: '', fin: false, replied: false, reset: false });
    return id;
  }

  send(id: number, text: string, fin: boolean): void {
    this.socket.write(encodeData(id, Buffer.from(text), fin));
  }

  control(type: number, flags: number, body: Buffer): void {
    const header = Buffer.alloc(8);
    header.writeUInt16BE(0x8003, 0);
    header.writeUInt16BE(type, 2);
    header.writeUInt32BE(body.length, 4);
    header[4] = flags;
    this.socket.write(Buffer.concat([header, body]));
  }

  stream(id: number): { data: string; fin: boolean; replied: boolean; reset: boolean } {
    const s = this.received.get(id);
    assert.ok(s, `no stream ${id}`);
    return s;
  }

  close(): void {
    this.inflater.dispose();
    this.deflate.destroy();
    this.socket.destroy();
  }

  private frame(f: SpdyFrame): void {
    this.frames.push(f);
    if (f.type === 'synReply') {
      void this.inflater.inflateBlock(f.headerBlock);
      this.stream(f.streamId).replied = true;
    } else if (f.type === 'data') {
      const s = this.stream(f.streamId);
      s.data += f.data.toString();
      s.fin ||= f.fin;
    } else if (f.type === 'rstStream') {
      this.stream(f.streamId).reset = true;
    }
  }
}
