/**
 * `kubectl port-forward` once its connection is upgraded (SPDY/3.1, or SPDY tunnelled in a
 * websocket): the `portforward.k8s.io` protocol the kubelet serves. For each local connection
 * kubectl opens two streams carrying the same `port` and `requestID` headers, `streamType:
 * error` then `streamType: data`. Once both are here, the node's agent dials the port in the
 * pod; bytes flow on the data stream; the error stream ends empty when the connection went
 * well, or carries one message (kubectl prints "an error occurred forwarding 8080 -> 80: …")
 * — and then both end. One connection failing never ends the others or the session.
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/kubelet/cri/streaming/portforward/httpstream.go
 */
import type { Pod } from '../../../api/core-v1';
import { toApiError } from '../../../api/errors';
import type { PodStream } from '../pod-stream-provider';
import { headerValue, type SpdyHeaders } from '../spdy/spdy-header-block';
import type { SpdySession, SpdyStream } from '../spdy/spdy-session';
import { RST } from '../spdy/spdy-frames';

/** How long the second stream of a pair may take (the kubelet's stream creation timeout). */
const PAIR_TIMEOUT_MS = 30_000;

export type OpenConnection = (port: number, signal: AbortSignal) => Promise<PodStream>;

interface Pair {
  data?: SpdyStream;
  error?: SpdyStream;
  timer: AbortSignal;
}

/** The port header as kubelet checks it: a decimal port in 1–65535. */
export function parsePortHeader(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,5}$/.test(value)) return undefined;
  const port = Number(value);
  return port >= 1 && port <= 65535 ? port : undefined;
}

export class PortForwardSession {
  private readonly pairs = new Map<string, Pair>();

  constructor(private readonly session: SpdySession, private readonly pod: Pod, private readonly open: OpenConnection) {}

  /** Called for each stream the client opens. */
  stream(stream: SpdyStream): void {
    const type = headerValue(stream.headers, 'streamtype');
    const requestId = headerValue(stream.headers, 'requestid');
    if ((type !== 'data' && type !== 'error') || requestId === undefined) return stream.reset(RST.protocolError);
    stream.reply();
    const pair = this.pairs.get(requestId) ?? this.newPair(requestId);
    if (pair[type]) return stream.reset(RST.streamInUse);
    pair[type] = stream;
    if (pair.data && pair.error) {
      this.pairs.delete(requestId);
      void this.forward(pair.data, pair.error, stream.headers);
    }
  }

  private newPair(requestId: string): Pair {
    const pair: Pair = { timer: AbortSignal.timeout(PAIR_TIMEOUT_MS) };
    this.pairs.set(requestId, pair);
    const expire = (): void => {
      if (this.pairs.get(requestId) !== pair) return;
      this.pairs.delete(requestId);
      if (pair.error) this.fail(pair.error, pair.data, `timed out waiting for the data stream of request ${requestId}`);
      else pair.data?.reset();
    };
    // Unref'd by Node; once the pair is complete (or the session over) the expiry finds nothing to do.
    pair.timer.addEventListener('abort', expire, { once: true });
    return pair;
  }

  private describe(port: string): string {
    const m = this.pod.metadata;
    return `error forwarding port ${port} to pod ${m.namespace ?? ''}/${m.name ?? ''}, uid ${m.uid ?? ''}`;
  }

  /** Writes the message on the error stream, then ends both streams. */
  private fail(error: SpdyStream, data: SpdyStream | undefined, message: string): void {
    error.write(Buffer.from(message));
    error.end();
    data?.end();
  }

  private async forward(data: SpdyStream, error: SpdyStream, headers: SpdyHeaders): Promise<void> {
    const portText = headerValue(headers, 'port') ?? '';
    const port = parsePortHeader(portText);
    if (port === undefined) return this.fail(error, data, `${this.describe(portText)}: invalid port ${JSON.stringify(portText)}`);
    const stop = AbortSignal.any([data.gone, this.session.done]);
    let conn: PodStream;
    try {
      conn = await this.open(port, stop);
    } catch (err: unknown) {
      if (stop.aborted) return error.end();
      return this.fail(error, data, `${this.describe(portText)}: ${toApiError(err).message}`);
    }
    const cancel = (): void => conn.cancel('the client closed the connection');
    stop.addEventListener('abort', cancel, { once: true });
    void this.toPod(data, conn);
    await this.fromPod(conn, data);
    const result = await conn.result;
    stop.removeEventListener('abort', cancel);
    if (!result.ok && !stop.aborted) return this.fail(error, data, `${this.describe(portText)}: ${result.error.message}`);
    data.end();
    error.end();
  }

  /** The client's bytes to the pod; its FIN half-closes the pod's connection. */
  private async toPod(data: SpdyStream, conn: PodStream): Promise<void> {
    try {
      for await (const chunk of data.incoming) {
        if (!conn.writeStdin(chunk as Buffer)) await conn.writable();
      }
      conn.closeStdin();
    } catch {
      // A reset stream or a closed connection: `forward` cancels the pod's side.
    }
  }

  /** The pod's bytes to the client, as fast as the client's socket takes them. */
  private async fromPod(conn: PodStream, data: SpdyStream): Promise<void> {
    try {
      for await (const chunk of conn.output) {
        if (!data.write((chunk as { data: Buffer }).data)) await this.session.drained();
      }
    } catch {
      // The failure is in conn.result.
    }
  }
}
