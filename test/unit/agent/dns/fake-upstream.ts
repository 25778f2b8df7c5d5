/**
 * A resolver on 127.0.0.1 (UDP or TCP) that records every query it receives and answers as the
 * test says: with datagrams, or not at all. Loopback only.
 */
import { createSocket } from 'node:dgram';
import { createServer, type Socket } from 'node:net';
import { CLASS_IN, RecordType } from '../../../../agent/dns/dns-constants';
import { decodeMessage } from '../../../../agent/dns/dns-decoder';
import { encodeMessage } from '../../../../agent/dns/dns-encoder';
import type { DnsMessage, DnsRecord } from '../../../../agent/dns/dns-message';
import { DnsTcpFramer, frameMessage } from '../../../../agent/dns/dns-tcp-framing';

/** What to send back for a query: messages in order ([] = stay silent). */
export type UpstreamBehaviour = (query: DnsMessage) => Buffer[];

export interface FakeUpstream {
  /** `127.0.0.1:port`, as ClusterDns takes it. */
  address: string;
  port: number;
  received: DnsMessage[];
  close(): Promise<void>;
}

/** The reply to `query` with `rcode` and `answers`, under the query's id unless told otherwise. */
export function replyTo(query: DnsMessage, rcode: number, answers: DnsRecord[], id = query.id): Buffer {
  return encodeMessage({ ...query, id, flags: { ...query.flags, qr: true, ra: true, rcode }, answers, authority: [], additional: [] });
}

export function aRecord(name: string, address: string, ttl = 300): DnsRecord {
  return { name, type: RecordType.A, class: CLASS_IN, ttl, data: { kind: 'address', address } };
}

/** Answers every A query with `address`. */
export function answering(address: string): UpstreamBehaviour {
  return (q) => [replyTo(q, 0, q.questions.map((question) => aRecord(question.name, address)))];
}

export function startFakeUdpUpstream(behaviour: UpstreamBehaviour): Promise<FakeUpstream> {
  const socket = createSocket('udp4');
  const received: DnsMessage[] = [];
  socket.on('message', (packet, peer) => {
    const query = decodeMessage(packet);
    received.push(query);
    for (const reply of behaviour(query)) socket.send(reply, peer.port, peer.address);
  });
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => {
    const port = socket.address().port;
    resolve({ address: `127.0.0.1:${port}`, port, received, close: () => new Promise((done) => socket.close(() => done())) });
  }));
}

export function startFakeTcpUpstream(behaviour: UpstreamBehaviour): Promise<FakeUpstream> {
  const received: DnsMessage[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const framer = new DnsTcpFramer();
    socket.on('data', (chunk) => framer.push(chunk).forEach((packet) => {
      const query = decodeMessage(packet);
      received.push(query);
      for (const reply of behaviour(query)) socket.write(frameMessage(reply));
    }));
  });
  const close = (): Promise<void> => {
    sockets.forEach((s) => s.destroy());
    return new Promise((done) => server.close(() => done()));
  };
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    resolve({ address: `127.0.0.1:${port}`, port, received, close });
  }));
}
