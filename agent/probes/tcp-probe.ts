/**
 * tcpSocket probes (pkg/probe/tcp): success when a TCP connection to host:port opens within
 * the timeout. The connection is closed with a reset so a Pi probing every few seconds does
 * not pile up TIME_WAIT sockets (the kubelet sets SO_LINGER 1 s for the same reason).
 */
import net from 'node:net';
import { dialErrorText, dialTimeoutText } from './dial-error';
import { joinHostPort } from './container-port';
import { outcome, type ProbeOutcome } from './probe-outcome';

/**
 * Connects once. `deadline` is the probe's timeout (a failure when it fires); `stop` ends the
 * attempt without a result (the worker is going away): the promise then rejects.
 */
export function tcpProbe(host: string, port: number, stop: AbortSignal, deadline: AbortSignal): Promise<ProbeOutcome> {
  stop.throwIfAborted();
  const hostPort = joinHostPort(host, port);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const finish = (result: ProbeOutcome | Error): void => {
      stop.removeEventListener('abort', onAbort);
      deadline.removeEventListener('abort', onAbort);
      socket.removeAllListeners('connect');
      socket.on('error', () => undefined);
      // A reset only once connected; a connection still being made is simply abandoned.
      if (socket.connecting || socket.destroyed) socket.destroy();
      else socket.resetAndDestroy();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onAbort = (): void => finish(stop.aborted ? toError(stop.reason) : outcome('failure', dialTimeoutText(hostPort)));
    if (deadline.aborted) return onAbort();
    stop.addEventListener('abort', onAbort, { once: true });
    deadline.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish(outcome('success')));
    socket.once('error', (err) => finish(outcome('failure', dialErrorText(err, hostPort))));
  });
}

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
