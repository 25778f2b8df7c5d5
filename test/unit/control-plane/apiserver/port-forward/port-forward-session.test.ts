/**
 * The port-forward protocol over a real SpdySession on a loopback socket, driven by a small
 * SPDY client (spdy-test-client.ts); the pod side is a fake PodStream.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { Readable } from 'node:stream';
import type { Pod } from '../../../../../api/core-v1';
import { ApiError } from '../../../../../api/errors';
import type { PodStream, StreamResult } from '../../../../../control-plane/apiserver/pod-stream-provider';
import { parsePortHeader, PortForwardSession } from '../../../../../control-plane/apiserver/port-forward/port-forward-session';
import { CONTROL } from '../../../../../control-plane/apiserver/spdy/spdy-frames';
import { SpdySession } from '../../../../../control-plane/apiserver/spdy/spdy-session';
import { until } from '../../../../../scripts/cluster/wait-until';
import { SpdyClient } from '../spdy/spdy-test-client';

/** Opens the error and data streams of one forwarded connection. */
async function connection(client: SpdyClient, port: string, requestId: string): Promise<{ error: number; data: number }> {
  const error = await client.open({ streamtype: 'error', port, requestid: requestId });
  const data = await client.open({ streamtype: 'data', port, requestid: requestId });
  return { error, data };
}

const POD: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u-1' }, spec: { containers: [] } };

/** A pod port that answers `reply` once the client half-closed, then closes. */
function echoPort(reply: (input: string) => string): PodStream & { input: string } {
  let settle!: (r: StreamResult) => void;
  const result = new Promise<StreamResult>((resolve) => (settle = resolve));
  const output = new Readable({ objectMode: true, read: () => undefined });
  const conn = {
    input: '',
    output,
    result,
    writeStdin: (data: Buffer) => ((conn.input += data.toString()), true),
    writable: () => Promise.resolve(),
    closeStdin: () => {
      output.push({ stream: 'stdout', data: Buffer.from(reply(conn.input)) });
      output.push(null);
      settle({ ok: true, exitCode: 0 });
    },
    resize: () => undefined,
    cancel: () => settle({ ok: false, error: new ApiError('InternalError', 'cancelled') }),
  };
  return conn;
}

describe('port-forward sessions over SPDY', () => {
  let server: net.Server;
  let client: SpdyClient;
  let serverSocket: net.Socket;
  let open: (port: number) => Promise<PodStream>;

  beforeEach(async () => {
    server = net.createServer((socket) => {
      serverSocket = socket;
      const forwarding: PortForwardSession = new PortForwardSession(new SpdySession(socket, (s) => forwarding.stream(s)), POD, (port) => open(port));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    client = new SpdyClient(socket);
  });

  afterEach(async () => {
    client.close();
    serverSocket?.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('relays one connection on its data stream and ends its error stream empty', async () => {
    const ports: number[] = [];
    open = async (port) => {
      ports.push(port);
      return echoPort((input) => `got ${input}`);
    };
    const { error, data } = await connection(client, '80', '0');
    client.send(data, 'hello', true);
    await until(() => client.stream(data).fin && client.stream(error).fin, { timeoutMs: 5000, describe: () => JSON.stringify([...client.received]) });
    assert.deepEqual(ports, [80]);
    assert.deepEqual(client.stream(data), { data: 'got hello', fin: true, replied: true, reset: false });
    assert.deepEqual(client.stream(error), { data: '', fin: true, replied: true, reset: false });
  });

  it("writes a refused dial on that connection's error stream and keeps serving the next ones", async () => {
    open = async (port) => {
      if (port === 81) throw new ApiError('InternalError', 'failed to connect to localhost:81: connect: connection refused');
      return echoPort(() => 'ok');
    };
    const refused = await connection(client, '81', '0');
    await until(() => client.stream(refused.error).fin, { timeoutMs: 5000 });
    assert.equal(client.stream(refused.error).data, 'error forwarding port 81 to pod default/web, uid u-1: failed to connect to localhost:81: connect: connection refused');
    assert.ok(client.stream(refused.data).fin);
    const next = await connection(client, '80', '1');
    client.send(next.data, '', true);
    await until(() => client.stream(next.error).fin, { timeoutMs: 5000 });
    assert.equal(client.stream(next.data).data, 'ok');
    assert.equal(client.stream(next.error).data, '');
  });

  it('serves 50 connections at once, paired by request id whatever the order', async () => {
    open = async () => echoPort((input) => input.toUpperCase());
    const conns: { error: number; data: number }[] = [];
    // Error streams of every connection first, then the data streams, the last connection first.
    const errors: number[] = [];
    for (let i = 0; i < 50; i++) errors.push(await client.open({ streamtype: 'error', port: '8080', requestid: String(i) }));
    for (let i = 49; i >= 0; i--) conns[i] = { error: errors[i], data: await client.open({ streamtype: 'data', port: '8080', requestid: String(i) }) };
    conns.forEach((c, i) => client.send(c.data, `request ${i}`, true));
    await until(() => conns.every((c) => client.stream(c.error).fin), { timeoutMs: 5000 });
    conns.forEach((c, i) => assert.equal(client.stream(c.data).data, `REQUEST ${i}`));
  });

  it('refuses a port header that is no port', async () => {
    open = async () => assert.fail('no dial for a bad port');
    const c = await connection(client, 'http', '0');
    await until(() => client.stream(c.error).fin, { timeoutMs: 5000 });
    assert.match(client.stream(c.error).data, /error forwarding port http to pod default\/web, uid u-1: invalid port "http"/);
  });

  it('echoes pings and ends the connection with GOAWAY on a frame of another SPDY version', async () => {
    const ping = Buffer.alloc(4);
    ping.writeUInt32BE(7);
    client.control(CONTROL.ping, 0, ping);
    await until(() => client.frames.some((f) => f.type === 'ping' && f.id === 7), { timeoutMs: 5000 });
    client.socket.write(Buffer.from([0x80, 0x02, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1]));
    await until(() => client.socket.readableEnded || client.socket.destroyed, { timeoutMs: 5000 });
    assert.ok(client.frames.some((f) => f.type === 'goAway' && f.status === 1), JSON.stringify(client.frames.map((f) => f.type)));
  });

  it('checks port headers as the kubelet does', () => {
    assert.equal(parsePortHeader('80'), 80);
    assert.equal(parsePortHeader('65535'), 65535);
    for (const bad of [undefined, '', '0', '65536', '-1', '8080x', ' 80', '123456']) assert.equal(parsePortHeader(bad), undefined, String(bad));
  });
});
