/**
 * Serves one forwarded TCP connection (`kubectl port-forward`, the API server's proxy): the
 * agent dials the port in the pod's network — its pod IP on the node's bridge, or the node's
 * loopback for a hostNetwork pod — and relays bytes both ways over the Stream call. The kubelet
 * dials `localhost` inside the pod's namespace instead; Node.js cannot enter a namespace, so a
 * server listening on the pod's 127.0.0.1 only is not reached here (docs/design-notes.md).
 *
 * A refused dial ends the stream with a failure whose message the API server writes on the
 * connection's error stream, as the kubelet does; the client's half-close becomes ours.
 */
import net from 'node:net';
import { withTimeout } from '../../api/abort-timeout';
import type { ContainerStreams } from './container-streams';
import type { StreamChannel } from './stream-channel';
import type { PortForwardStreamRequest } from './stream-requests';

/** A dial that neither connects nor fails within this is given up (a pod IP that vanished). */
const CONNECT_TIMEOUT_MS = 10_000;

function dialError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ECONNREFUSED') return 'connect: connection refused';
  if (code === 'ETIMEDOUT' || code === 'ABORT_ERR') return 'i/o timeout';
  return err instanceof Error ? err.message : String(err);
}

function connect(host: string, port: number, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, signal: withTimeout(signal, CONNECT_TIMEOUT_MS) });
    const onError = (err: Error): void => reject(err);
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

/** Bytes from the control plane go to the socket, pausing the call while the socket is full. */
function connectInput(channel: StreamChannel, socket: net.Socket): void {
  channel.onInput({
    stdin: (data) => {
      if (socket.writableEnded || socket.destroyed) return;
      if (socket.write(data)) return;
      channel.pauseInput();
      socket.once('drain', () => channel.resumeInput());
    },
    stdinClosed: () => void socket.end(),
    resize: () => undefined,
  });
}

export async function servePortForward(r: PortForwardStreamRequest, channel: StreamChannel, runtime: ContainerStreams, signal: AbortSignal): Promise<void> {
  const where = await runtime.podAddress(r.target.uid, signal);
  if (where.kind === 'none') return channel.fail('NotFound', `pod ${r.target.namespace}/${r.target.name} has no running sandbox on this node`);
  const host = where.kind === 'ip' ? where.address : '127.0.0.1';
  let socket: net.Socket;
  try {
    socket = await connect(host, r.port, signal);
  } catch (err: unknown) {
    signal.throwIfAborted();
    return channel.fail('InternalError', `failed to connect to localhost:${r.port} inside the pod's network (${host}:${r.port}): ${dialError(err)}`);
  }
  await relay(channel, socket, signal);
}

async function relay(channel: StreamChannel, socket: net.Socket, signal: AbortSignal): Promise<void> {
  const onAbort = (): void => void socket.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  let failure: Error | undefined;
  socket.on('error', (err) => (failure = err));
  try {
    connectInput(channel, socket);
    channel.ready();
    for await (const chunk of socket) await channel.send('stdout', chunk as Buffer);
  } catch (err: unknown) {
    failure ??= err instanceof Error ? err : new Error(String(err));
  } finally {
    signal.removeEventListener('abort', onAbort);
    socket.destroy();
  }
  signal.throwIfAborted();
  // A reset after data flowed is how the pod closed: the client sees its connection end, as with kubectl against a kubelet.
  if (failure && (failure as { code?: unknown }).code !== 'ECONNRESET') return channel.fail('InternalError', `the connection to the pod broke: ${failure.message}`);
  channel.end({ success: true, exit_code: 0 });
}
