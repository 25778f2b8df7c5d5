/** Serves DNS over UDP: one datagram in, at most one datagram back to its sender. */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

/** The response to a query packet, or undefined to send nothing. Must not reject. */
export type PacketAnswerer = (packet: Buffer) => Promise<Buffer | undefined>;

export class DnsUdpListener {
  private closed = false;

  private constructor(private readonly socket: Socket, readonly port: number, private readonly answer: PacketAnswerer) {
    socket.on('error', () => undefined);
    socket.on('message', (packet, peer) => void this.reply(packet, peer).catch(() => undefined));
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

  /**
   * Answers one datagram. Nothing goes back after close() or to a source port 0 (a forged
   * packet): dgram throws synchronously on both, and a crafted packet must never end the agent.
   */
  private async reply(packet: Buffer, peer: RemoteInfo): Promise<void> {
    const response = await this.answer(packet);
    if (response === undefined || this.closed || peer.port === 0) return;
    try {
      this.socket.send(response, peer.port, peer.address, () => undefined);
    } catch {
      // an unsendable reply is dropped, as a lost datagram would be
    }
  }

  close(): Promise<void> {
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
