/**
 * One query to one upstream resolver, over UDP or TCP, ended by the signal (its timeout).
 * Each exchange uses a fresh socket: a fresh source port per query makes forged answers harder
 * to land (RFC 5452), and nothing outlives the exchange.
 */
import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import { DnsTcpFramer, frameMessage } from './dns-tcp-framing';
import type { UpstreamAddress } from './upstream-address';

/** Decides whether a datagram is the answer to the query sent (id and question match). */
export type AnswerCheck = (response: Buffer) => boolean;

/** The first UDP datagram from `upstream` that `accepts`, or undefined on error, refusal or abort. */
export function exchangeUdp(upstream: UpstreamAddress, query: Buffer, accepts: AnswerCheck, signal: AbortSignal): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(undefined);
    const socket = createSocket(isIPv6(upstream.host.replace(/%.*$/, '')) ? 'udp6' : 'udp4');
    const finish = settleOnce(resolve, signal, () => socket.close());
    socket.on('error', () => finish(undefined));
    socket.on('message', (message) => accepts(message) && finish(message));
    socket.connect(upstream.port, upstream.host, () => sendOrFinish(() => socket.send(query), finish));
  });
}

/** The first framed TCP message from `upstream`, if it `accepts`; undefined otherwise. */
export function exchangeTcp(upstream: UpstreamAddress, query: Buffer, accepts: AnswerCheck, signal: AbortSignal): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(undefined);
    const socket = connect({ host: upstream.host, port: upstream.port });
    const framer = new DnsTcpFramer();
    const finish = settleOnce(resolve, signal, () => socket.destroy());
    socket.once('connect', () => socket.write(frameMessage(query)));
    socket.on('data', (chunk) => {
      const [first] = framer.push(chunk);
      if (first !== undefined) finish(accepts(first) ? first : undefined);
    });
    socket.on('error', () => finish(undefined));
    socket.once('close', () => finish(undefined));
  });
}

/**
 * A finisher that runs once: releases the socket, stops listening to the signal and resolves.
 * It also ends the exchange when the signal aborts.
 */
function settleOnce(resolve: (answer: Buffer | undefined) => void, signal: AbortSignal, release: () => void): (answer: Buffer | undefined) => void {
  let done = false;
  const finish = (answer: Buffer | undefined): void => {
    if (done) return;
    done = true;
    signal.removeEventListener('abort', onAbort);
    release();
    resolve(answer);
  };
  const onAbort = (): void => finish(undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  return finish;
}

/** Sends unless the socket was closed meanwhile (dgram throws then). */
function sendOrFinish(send: () => void, finish: (answer: undefined) => void): void {
  try {
    send();
  } catch {
    finish(undefined);
  }
}
