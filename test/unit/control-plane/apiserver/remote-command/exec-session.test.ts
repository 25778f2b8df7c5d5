import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { ApiError } from '../../../../../api/errors';
import type { PodStream } from '../../../../../control-plane/apiserver/pod-stream-provider';
import { ExecSession } from '../../../../../control-plane/apiserver/remote-command/exec-session';
import { until } from '../../../../../scripts/cluster/wait-until';
import { FakePodStream } from './fake-pod-stream';

interface Client {
  ws: WebSocket;
  frames: Buffer[];
  closed: Promise<number>;
}

describe('ExecSession over a websocket', () => {
  let server: http.Server;
  let wss: WebSocketServer;
  let open: (signal: AbortSignal) => Promise<PodStream>;
  let sessions: Promise<void>[] = [];

  before(async () => {
    wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => [...p][0] ?? false });
    server = http.createServer();
    server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => {
      sessions.push(new ExecSession(ws, { protocol: ws.protocol, command: ['sh', '-c', 'exit 3'], stdout: true, stderr: true }).run((s) => open(s)));
    }));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });

  after(async () => {
    wss.close();
    server.close();
    await Promise.all(sessions);
  });

  beforeEach(() => {
    sessions = [];
  });

  async function connect(protocol = 'v5.channel.k8s.io'): Promise<Client> {
    const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, [protocol]);
    const frames: Buffer[] = [];
    ws.on('message', (data: Buffer) => frames.push(data));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await once(ws, 'open');
    return { ws, frames, closed };
  }

  const channelText = (frames: Buffer[], channel: number): string => frames.filter((f) => f[0] === channel).map((f) => f.subarray(1).toString()).join('');

  it('announces the streams, forwards output by channel, then sends the status and closes normally', async () => {
    const stream = new FakePodStream();
    open = async () => stream;
    const c = await connect();
    stream.emit({ stream: 'stdout', data: Buffer.from('out') });
    stream.emit({ stream: 'stderr', data: Buffer.from('err') });
    stream.finish({ ok: true, exitCode: 0 });
    assert.equal(await c.closed, 1000);
    assert.deepEqual([...c.frames[0]], [1], 'an empty stdout message first');
    assert.equal(channelText(c.frames, 1), 'out');
    assert.equal(channelText(c.frames, 2), 'err');
    assert.deepEqual(JSON.parse(channelText(c.frames, 3)), { metadata: {}, status: 'Success' });
  });

  it('reports the exit code on the status channel', async () => {
    const stream = new FakePodStream();
    open = async () => stream;
    const c = await connect('v4.channel.k8s.io');
    stream.finish({ ok: true, exitCode: 3 });
    await c.closed;
    const status = JSON.parse(channelText(c.frames, 3)) as { reason: string; details: unknown };
    assert.equal(status.reason, 'NonZeroExitCode');
    assert.deepEqual(status.details, { causes: [{ reason: 'ExitCode', message: '3' }] });
  });

  it('hands stdin, its close and terminal resizes to the stream, in order', async () => {
    const stream = new FakePodStream();
    open = async () => stream;
    const c = await connect();
    c.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('hello')]));
    c.ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":100,"Height":30}')]));
    c.ws.send(Buffer.from([255, 0]));
    await until(() => stream.stdinClosed, { timeoutMs: 2000 });
    assert.deepEqual(stream.stdin, ['hello']);
    assert.deepEqual(stream.resizes, [[100, 30]]);
    stream.finish({ ok: true, exitCode: 0 });
    await c.closed;
  });

  it('keeps stdin sent while the stream is opening', async () => {
    const stream = new FakePodStream();
    let release!: () => void;
    open = () => new Promise((resolve) => (release = () => resolve(stream)));
    const c = await connect();
    c.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('early')]));
    await until(() => release !== undefined, { timeoutMs: 2000 });
    release();
    await until(() => stream.stdin.length > 0, { timeoutMs: 2000 });
    assert.deepEqual(stream.stdin, ['early']);
    stream.finish({ ok: true, exitCode: 0 });
    await c.closed;
  });

  it("ends with a Failure status when the node side cannot open the stream", async () => {
    open = async () => {
      throw new ApiError('NotFound', 'container not found ("main")');
    };
    const c = await connect();
    assert.equal(await c.closed, 1000);
    const status = JSON.parse(channelText(c.frames, 3)) as Record<string, unknown>;
    assert.deepEqual([status.status, status.reason, status.message], ['Failure', 'NotFound', 'container not found ("main")']);
  });

  it('cancels the stream when the client goes away', async () => {
    const stream = new FakePodStream();
    open = async () => stream;
    const c = await connect();
    await until(() => c.frames.length > 0, { timeoutMs: 2000 });
    c.ws.terminate();
    await until(() => stream.cancelled !== undefined, { timeoutMs: 2000 });
    await Promise.all(sessions);
  });

  it('aborts the opening when the client goes away first', async () => {
    let signal: AbortSignal | undefined;
    open = (s) => {
      signal = s;
      return new Promise((_resolve, reject) => s.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
    };
    const c = await connect();
    await until(() => signal !== undefined, { timeoutMs: 2000 });
    c.ws.terminate();
    await until(() => signal?.aborted, { timeoutMs: 2000 });
    await Promise.all(sessions);
  });
});
