/**
 * The agent's side of logs, exec and forwarded connections: each StreamRequest from the session is answered by
 * dialing a `Stream` call on the session's connection, then served by the log or exec
 * streamer until it ends, the control plane cancels it, or the agent stops. Bounded: at most
 * `maxStreams` run at once (more are refused on their own call, so the control plane hears
 * why at once); every stream's Docker request is cancelled when its call ends.
 */
import type { StreamRequest__Output } from '../../proto/generated/pikube/node/v1/StreamRequest';
import type { ContainerStreams } from './container-streams';
import { serveExec } from './exec-streamer';
import { serveLogs } from './log-streamer';
import { servePortForward } from './port-forward-streamer';
import { StreamChannel, type StreamClientCall } from './stream-channel';
import { InvalidStreamRequest, STREAM_ID, validateStreamRequest, type ValidStreamRequest } from './stream-requests';

/** What the session calls for every `stream_request`. */
export interface StreamRequestHandler {
  /** `dial` opens the `Stream` call on the session's connection (it may throw once that is closed). */
  handle(request: StreamRequest__Output, dial: () => StreamClientCall): void;
}

export interface StreamDispatcherOptions {
  /** Default 320: above the control plane's per-node caps (32 log and exec streams, 256 connections), so those are the ones users meet. */
  maxStreams?: number;
  now?: () => number;
  log?: (message: string) => void;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class StreamDispatcher implements StreamRequestHandler {
  private readonly stopping = new AbortController();
  private readonly running = new Set<Promise<void>>();
  private readonly channels = new Set<StreamChannel>();
  private readonly maxStreams: number;
  private readonly log: (message: string) => void;

  constructor(private readonly runtime: ContainerStreams, private readonly opts: StreamDispatcherOptions = {}) {
    this.maxStreams = opts.maxStreams ?? 320;
    this.log = opts.log ?? (() => undefined);
  }

  handle(request: StreamRequest__Output, dial: () => StreamClientCall): void {
    if (this.stopping.signal.aborted || !STREAM_ID.test(request.stream_id)) return;
    let channel: StreamChannel;
    try {
      channel = new StreamChannel(dial(), request.stream_id);
    } catch (err: unknown) {
      return this.log(`stream ${request.stream_id}: cannot dial: ${errorText(err)}`);
    }
    let valid: ValidStreamRequest;
    try {
      valid = validateStreamRequest(request, (this.opts.now ?? Date.now)());
    } catch (err: unknown) {
      return channel.fail('BadRequest', errorText(err));
    }
    if (this.channels.size >= this.maxStreams) return channel.fail('ServiceUnavailable', `the node already serves ${this.channels.size} streams`);
    this.track(channel, this.serve(valid, channel));
  }

  /** Number of streams being served. */
  get activeStreams(): number {
    return this.channels.size;
  }

  /** The agent is stopping: every stream is cancelled. */
  async dispose(): Promise<void> {
    this.stopping.abort(new Error('the agent is stopping'));
    for (const channel of this.channels) channel.cancel();
    await Promise.allSettled([...this.running]);
  }

  private track(channel: StreamChannel, served: Promise<void>): void {
    this.channels.add(channel);
    const done = served.finally(() => {
      this.channels.delete(channel);
      this.running.delete(done);
    });
    this.running.add(done);
  }

  /** Never rejects: a failure ends the stream with it. */
  private async serve(r: ValidStreamRequest, channel: StreamChannel): Promise<void> {
    const signal = AbortSignal.any([this.stopping.signal, channel.closed]);
    try {
      if (r.kind === 'logs') await serveLogs(r, channel, this.runtime, signal);
      else if (r.kind === 'portForward') await servePortForward(r, channel, this.runtime, signal);
      else await serveExec(r, channel, this.runtime, signal);
    } catch (err: unknown) {
      if (signal.aborted) return channel.cancel();
      const reason = err instanceof InvalidStreamRequest ? 'BadRequest' : 'InternalError';
      this.log(`${r.kind} stream for ${r.target.namespace}/${r.target.name} failed: ${errorText(err)}`);
      channel.fail(reason, errorText(err));
    }
  }
}
