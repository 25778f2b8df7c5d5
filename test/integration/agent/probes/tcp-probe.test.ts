/** tcpSocket probes against a real listener on loopback, directly and through the probe manager. */
import assert from 'node:assert/strict';
import net from 'node:net';
import type { Pod } from '../../../../api/core-v1';
import { ProbeManager, type ProbeResultChange } from '../../../../agent/probes/probe-manager';
import { tcpProbe } from '../../../../agent/probes/tcp-probe';
import { until } from '../../../../scripts/cluster/wait-until';

function listen(): Promise<{ server: net.Server; port: number; accepted: () => number }> {
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    socket.on('error', () => undefined);
    socket.end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as net.AddressInfo).port, accepted: () => accepted })));
}

function close(server: net.Server): Promise<void> {
  return new Promise((r) => server.close(() => r()));
}

describe('tcpSocket probes against a real listener', function () {
  this.timeout(15_000);
  const stop = new AbortController().signal;

  it('succeeds when the port accepts a connection', async () => {
    const { server, port, accepted } = await listen();
    try {
      assert.deepEqual(await tcpProbe('127.0.0.1', port, stop, AbortSignal.timeout(1_000)), { result: 'success', output: '' });
      await until(() => accepted() === 1, { timeoutMs: 2_000 });
    } finally {
      await close(server);
    }
  });

  it("fails on a closed port with Go's wording", async () => {
    const { server, port } = await listen();
    await close(server);
    const res = await tcpProbe('127.0.0.1', port, stop, AbortSignal.timeout(1_000));
    assert.deepEqual(res, { result: 'failure', output: `dial tcp 127.0.0.1:${port}: connect: connection refused` });
  });

  it('fails with an i/o timeout once the deadline passed', async () => {
    const { server, port } = await listen();
    try {
      const res = await tcpProbe('127.0.0.1', port, stop, AbortSignal.abort());
      assert.deepEqual(res, { result: 'failure', output: `dial tcp 127.0.0.1:${port}: i/o timeout` });
    } finally {
      await close(server);
    }
  });

  it('reports a liveness Failure once the listener on the named port goes away', async () => {
    const { server, port } = await listen();
    const manager = new ProbeManager({ runtime: { exec: () => Promise.reject(new Error('no exec')) }, log: () => undefined });
    const changes: ProbeResultChange[] = [];
    manager.onResult((c) => changes.push(c));
    const pod: Pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db', namespace: 'default', uid: 'uid-tcp' },
      spec: { containers: [{ name: 'db', ports: [{ name: 'sql', containerPort: port }], livenessProbe: { tcpSocket: { port: 'sql' }, periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 2 } }] },
    };
    try {
      manager.addContainer(pod, 'db', 'c1', '127.0.0.1');
      await close(server);
      await until(() => changes.some((c) => c.result === 'Failure'), { timeoutMs: 6_000, describe: () => JSON.stringify(changes) });
      assert.equal(changes.at(-1)?.message, `dial tcp 127.0.0.1:${port}: connect: connection refused`);
      assert.deepEqual(changes.map((c) => c.result), ['Success', 'Failure']);
    } finally {
      manager.dispose();
      server.close();
    }
  });
});
