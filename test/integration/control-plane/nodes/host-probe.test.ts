/**
 * The host probe on loopback: a port with a listener and a port without one both count as a
 * host that answers (a connection, or the kernel's refusal).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { probeHost } from '../../../../control-plane/nodes/host-probe';

describe('probeHost', () => {
  it('counts a connection and a refusal alike as a host that answers', async () => {
    const server = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      assert.equal(await probeHost('127.0.0.1', 500, port), 'answered');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    assert.equal(await probeHost('127.0.0.1', 500, port), 'answered', 'nobody listening: the kernel refuses');
  });
});
