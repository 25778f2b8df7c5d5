/**
 * One `kubectl exec` websocket after the handshake: client messages → the agent's stream
 * (stdin, stdin's close, terminal resizes), the command's output → stdout/stderr messages,
 * and, once the agent ended the stream, one status message, then a normal close. Failures of
 * the node side (no such running container, the node gone) end it with a Failure status, as
 * Kubernetes' stream translator does. Flow control both ways: output waits while the socket
 * has more than a high-water mark queued; a stdin the agent cannot take yet pauses the socket.
 */
import { finished } from 'node:stream/promises';
import type { RawData, WebSocket } from 'ws';
import { ApiError, toApiError } from '../../../api/errors';
import type { OutputChunk, PodStream, StreamResult } from '../pod-stream-provider';
import { CHANNEL, decodeClientFrame, encodeFrame, protocolVersion, statusFrame } from './channel-protocol';

/** Bytes queued on the socket before the output is paused. */
const SEND_HIGH_WATER = 1024 * 1024;

export interface ExecSessionOptions {
  protocol: string;
  command: string[];
  stdout: boolean;
  stderr: boolean;
}

export class ExecSession {
  private readonly version: number;
  private readonly gone = new AbortController();
  private stream?: PodStream;

  constructor(private readonly ws: WebSocket, private readonly opts: ExecSessionOptions) {
    this.version = protocolVersion(opts.protocol);
    ws.on('error', () => undefined); // a broken socket also closes: 'close' does the clean-up
    ws.once('close', () => this.clientGone());
  }

  /** Runs the session to its end; `open` asks the node for the stream. Never rejects. */
  async run(open: (signal: AbortSignal) => Promise<PodStream>): Promise<void> {
    // Client messages wait in the socket until there is a stream to give them to.
    this.ws.pause();
    this.announce();
    let stream: PodStream;
    try {
      stream = await open(this.gone.signal);
    } catch (err: unknown) {
      return this.end({ ok: false, error: toApiError(err) });
    }
    if (this.gone.signal.aborted) return stream.cancel('the client closed the connection');
    this.stream = stream;
    this.ws.on('message', (data, isBinary) => this.fromClient(stream, data, isBinary));
    this.ws.resume();
    await this.forwardOutput(stream);
    this.end(await stream.result);
  }

  /** As the kubelet: an empty message on the lowest output channel tells the client the streams are up. */
  private announce(): void {
    if (this.opts.stdout) this.send(encodeFrame(CHANNEL.stdout, Buffer.alloc(0)));
    else if (this.opts.stderr) this.send(encodeFrame(CHANNEL.stderr, Buffer.alloc(0)));
  }

  private fromClient(stream: PodStream, data: RawData, isBinary: boolean): void {
    if (!isBinary || !Buffer.isBuffer(data)) return; // the base64 text protocols are not served
    const frame = decodeClientFrame(data, this.version);
    switch (frame.type) {
      case 'stdin': return this.stdin(stream, frame.data);
      case 'close': return frame.channel === CHANNEL.stdin ? stream.closeStdin() : undefined;
      case 'resize': return stream.resize(frame.size.width, frame.size.height);
      default: return undefined;
    }
  }

  private stdin(stream: PodStream, data: Buffer): void {
    if (stream.writeStdin(data)) return;
    this.ws.pause();
    void stream.writable().then(() => this.ws.resume());
  }

  private async forwardOutput(stream: PodStream): Promise<void> {
    let paused = false;
    const resumeWhenDrained = (): void => {
      if (paused && this.ws.bufferedAmount < SEND_HIGH_WATER / 2) {
        paused = false;
        stream.output.resume();
      }
    };
    stream.output.on('data', (chunk: OutputChunk) => {
      const channel = chunk.stream === 'stderr' ? CHANNEL.stderr : CHANNEL.stdout;
      this.send(encodeFrame(channel, chunk.data), resumeWhenDrained);
      if (this.ws.bufferedAmount > SEND_HIGH_WATER) {
        paused = true;
        stream.output.pause();
      }
    });
    await finished(stream.output).catch(() => undefined);
  }

  private send(frame: Buffer, sent?: () => void): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(frame, { binary: true }, () => sent?.());
  }

  /** The status message, then a normal close (the client reads the status until the close). */
  private end(result: StreamResult): void {
    if (this.gone.signal.aborted) return;
    const status = statusFrame(result, this.opts.command, this.version);
    if (status) this.send(status);
    this.ws.close(1000);
    this.ws.resume(); // the client's close reply must be read for the closing handshake to finish
  }

  private clientGone(): void {
    this.gone.abort(new ApiError('InternalError', 'the client closed the connection'));
    this.stream?.cancel('the client closed the connection');
  }
}
