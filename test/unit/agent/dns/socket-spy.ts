/**
 * Counts UDP sockets and TCP connections opened while it is installed, to show that something
 * sends nothing at all. The agent's modules call `dgram.createSocket` / `net.connect` through the
 * module objects, so replacing them there sees every call.
 */
import dgram from 'node:dgram';
import net from 'node:net';

export interface SocketSpy {
  opened(): number;
  restore(): void;
}

export function spyOnSockets(): SocketSpy {
  const original = { createSocket: dgram.createSocket, connect: net.connect };
  let count = 0;
  const counting = <F extends (...args: never[]) => unknown>(f: F): F => ((...args: Parameters<F>) => {
    count++;
    return f(...args);
  }) as F;
  Object.assign(dgram, { createSocket: counting(original.createSocket) });
  Object.assign(net, { connect: counting(original.connect) });
  const restore = (): void => {
    Object.assign(dgram, { createSocket: original.createSocket });
    Object.assign(net, { connect: original.connect });
  };
  return { opened: () => count, restore };
}
