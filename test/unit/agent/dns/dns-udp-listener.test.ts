import assert from 'node:assert/strict';
import type { Socket } from 'node:dgram';
import { DnsUdpListener } from '../../../../agent/dns/dns-udp-listener';

/** The listener's socket, to inject a datagram as the kernel would deliver it. */
function socketOf(listener: DnsUdpListener): Socket {
  return (listener as unknown as { socket: Socket }).socket;
}

describe('DNS over UDP: forged and late datagrams', () => {
  it('drops the answer to a datagram from source port 0 instead of throwing', async () => {
    let answered = 0;
    const listener = await DnsUdpListener.bind('127.0.0.1', 0, async () => ((answered += 1), Buffer.alloc(12)));
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown): void => void rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      socketOf(listener).emit('message', Buffer.alloc(12), { address: '127.0.0.1', family: 'IPv4', port: 0, size: 12 });
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(answered, 1);
      assert.deepEqual(rejections, []);
    } finally {
      process.off('unhandledRejection', onRejection);
      await listener.close();
    }
  });

  it('survives an answerer that rejects', async () => {
    const listener = await DnsUdpListener.bind('127.0.0.1', 0, () => Promise.reject(new Error('boom')));
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown): void => void rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      socketOf(listener).emit('message', Buffer.alloc(12), { address: '127.0.0.1', family: 'IPv4', port: 5353, size: 12 });
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(rejections, []);
    } finally {
      process.off('unhandledRejection', onRejection);
      await listener.close();
    }
  });
});
