/**
 * Serves DNS over TCP (RFC 7766): length-framed queries, pipelined; each answer is written as it
 * is ready. A connection idle for IDLE_MS, or over MAX_CONNECTIONS, is closed.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { DnsTcpFramer, frameMessage } from './dns-tcp-framing';
import type { PacketAnswerer } from './dns-udp-listener';

const IDLE_MS = 10_000;
const MAX_CONNECTIONS = 256;

export class DnsTcpListener {
  private readonly connections = new Set<Socket>();

  private constructor(private readonly server: Server, private readonly answer: PacketAnswerer) {
    server.on('connection', (socket) => this.serve(socket));
  }

  /** Listens on `host:port`; rejects when the listen fails. */
  static listen(host: string, port: number, answer: PacketAnswerer): Promise<DnsTcpListener> {
    const server = createServer();
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', () => undefined);
        resolve(new DnsTcpListener(server, answer));
      });
    });
  }

  private serve(socket: Socket): void {
    if (this.connections.size >= MAX_CONNECTIONS) return void socket.destroy();
    this.connections.add(socket);
    const framer = new DnsTcpFramer();
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    socket.on('error', () => undefined);
    socket.once('close', () => this.connections.delete(socket));
    socket.on('data', (chunk) => {
      for (const query of framer.push(chunk)) void this.answer(query).then((reply) => reply && !socket.destroyed && socket.write(frameMessage(reply))).catch(() => socket.destroy());
    });
  }

  /** Stops listening and drops every open connection. */
  close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
