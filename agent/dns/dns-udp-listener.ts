/** Serves DNS over UDP: one datagram in, at most one datagram back to its sender. */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

/** The response to a query packet, or undefined to send nothing. Must not reject. */
export type PacketAnswerer = (packet: Buffer) => Promise<Buffer | undefined>;

export class DnsUdpListener {
  private closed = false;

  private constructor(private readonly socket: Socket, readonly port: number, private readonly answer: PacketAnswerer) {
    socket.on('error', () => undefined);
    socket.on('message', (packet, peer) => void this.reply(packet, peer));
  }

  /** Binds `host:port` (0 = any free port); rejects when the bind fails. */
  static bind(host: string, port: number, answer: PacketAnswerer): Promise<DnsUdpListener> {
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: host, port, exclusive: true }, () => {
        socket.off('error', reject);
        resolve(new DnsUdpListener(socket, socket.address().port, answer));
      });
    });
  }

  /** Answers one datagram; an answer that is ready only after close() is dropped (dgram throws on a closed socket). */
  private async reply(packet: Buffer, peer: RemoteInfo): Promise<void> {
    const response = await this.answer(packet);
    if (response !== undefined && !this.closed) this.socket.send(response, peer.port, peer.address, () => undefined);
  }

  close(): Promise<void> {
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
