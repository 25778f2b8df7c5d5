/**
 * exec/attach over SPDY: a real SpdySession on a loopback socket, driven by the test SPDY
 * client the way client-go's remotecommand opens its streams; the node side is a FakePodStream.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { ApiError } from '../../../../../api/errors';
import type { PodStream } from '../../../../../control-plane/apiserver/pod-stream-provider';
import { expectedStreams, SpdyExecSession, type SpdyExecOptions } from '../../../../../control-plane/apiserver/remote-command/spdy-exec-session';
import { SpdySession } from '../../../../../control-plane/apiserver/spdy/spdy-session';
import { until } from '../../../../../scripts/cluster/wait-until';
import { SpdyClient } from '../spdy/spdy-test-client';
import { FakePodStream } from './fake-pod-stream';

type Options = Omit<SpdyExecOptions, 'log'>;

const EXEC: Options = { protocol: 'v4.channel.k8s.io', command: ['sh', '-c', 'x'], stdin: false, stdout: true, stderr: true, tty: false };

describe('SpdyExecSession', () => {
  let server: net.Server;
  let client: SpdyClient;
  let serverSocket: net.Socket | undefined;
  let options: Options;
  let open: (signal: AbortSignal) => Promise<PodStream>;
  let opened: number;
  let runs: Promise<void>[];
  const logged: string[] = [];

  beforeEach(async () => {
    options = EXEC;
    opened = 0;
    runs = [];
    server = net.createServer((socket) => {
      serverSocket = socket;
      const session: SpdyExecSession = new SpdyExecSession(new SpdySession(socket, (s) => session.stream(s)), { ...options, log: (l) => logged.push(l) });
      runs.push(session.run((signal) => ((opened += 1), open(signal))));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    client?.close();
    serverSocket?.destroy();
    await Promise.all(runs);
    await new Promise((resolve) => server.close(resolve));
  });

  async function connect(opts: Partial<Options> = {}): Promise<SpdyClient> {
    options = { ...EXEC, ...opts };
    const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    client = new SpdyClient(socket);
    return client;
  }

  /** Opens the streams client-go opens, in its order (error first), for the types given. */
  async function streams(c: SpdyClient, types: string[]): Promise<Record<string, number>> {
    const ids: Record<string, number> = {};
    for (const t of types) ids[t] = await c.open({ streamtype: t });
    return ids;
  }

  const describeClient = (): string => JSON.stringify([...client.received]);

  it('opens the node stream once every implied stream arrived, relays output and ends with a Success status', async () => {
    const node = new FakePodStream();
    open = async () => node;
    const c = await connect();
    const ids = await streams(c, ['error', 'stdout']);
    await until(() => c.stream(ids.stdout).replied, { timeoutMs: 2000, describe: describeClient });
    assert.equal(opened, 0, 'stderr is still missing');
    ids.stderr = await c.open({ streamtype: 'stderr' });
    await until(() => opened === 1, { timeoutMs: 2000 });
    node.emit({ stream: 'stdout', data: Buffer.from('out') });
    node.emit({ stream: 'stderr', data: Buffer.from('err') });
    node.finish({ ok: true, exitCode: 0 });
    await until(() => Object.values(ids).every((id) => c.stream(id).fin), { timeoutMs: 2000, describe: describeClient });
    assert.deepEqual(c.stream(ids.stdout), { data: 'out', fin: true, replied: true, reset: false });
    assert.deepEqual(c.stream(ids.stderr), { data: 'err', fin: true, replied: true, reset: false });
    assert.deepEqual(JSON.parse(c.stream(ids.error).data), { metadata: {}, status: 'Success' });
  });

  it('writes a non-zero exit as NonZeroExitCode with its ExitCode cause (v4)', async () => {
    const node = new FakePodStream();
    open = async () => node;
    const c = await connect({ stderr: false });
    const ids = await streams(c, ['error', 'stdout']);
    await until(() => opened === 1, { timeoutMs: 2000 });
    node.finish({ ok: true, exitCode: 3 });
    await until(() => c.stream(ids.error).fin, { timeoutMs: 2000, describe: describeClient });
    const status = JSON.parse(c.stream(ids.error).data) as Record<string, unknown>;
    assert.deepEqual([status.status, status.reason, status.details], ['Failure', 'NonZeroExitCode', { causes: [{ reason: 'ExitCode', message: '3' }] }]);
  });

  it('before v4 writes only a failure, as text, and ends the error stream empty on success', async () => {
    for (const [exitCode, expected] of [[0, ''], [2, "command terminated with non-zero exit code: command 'sh -c x' exited with 2"]] as const) {
      const node = new FakePodStream();
      open = async () => node;
      const c = await connect({ protocol: 'v2.channel.k8s.io', stderr: false });
      const ids = await streams(c, ['error', 'stdout']);
      await until(() => opened > 0, { timeoutMs: 2000 });
      opened = 0;
      node.finish({ ok: true, exitCode });
      await until(() => c.stream(ids.error).fin, { timeoutMs: 2000, describe: describeClient });
      assert.equal(c.stream(ids.error).data, expected);
      c.close();
    }
  });

  it('hands stdin, its FIN and JSON terminal sizes cut across frames to the node stream', async () => {
    const node = new FakePodStream();
    open = async () => node;
    const c = await connect({ stdin: true, stderr: false, tty: true });
    const ids = await streams(c, ['error', 'stdin', 'stdout', 'resize']);
    c.send(ids.stdin, 'hello', false);
    c.send(ids.resize, '{"Width":100,', false);
    c.send(ids.resize, '"Height":30}\n{"Width":80,"Height":24}\n', false);
    c.send(ids.stdin, ' world', true);
    await until(() => node.stdinClosed && node.resizes.length === 2, { timeoutMs: 2000, describe: () => JSON.stringify(node.resizes) });
    assert.equal(node.stdin.join(''), 'hello world');
    assert.deepEqual(node.resizes, [[100, 30], [80, 24]]);
    node.finish({ ok: true, exitCode: 0 });
    await until(() => c.stream(ids.stdin).fin && c.stream(ids.resize).fin, { timeoutMs: 2000, describe: describeClient });
  });

  it('ends with the Failure the node side gave when the stream could not be opened', async () => {
    open = async () => {
      throw new ApiError('NotFound', 'container not found ("main")');
    };
    const c = await connect({ stdin: true, stderr: false });
    const ids = await streams(c, ['error', 'stdin', 'stdout']);
    c.send(ids.stdin, 'never read', false);
    await until(() => c.stream(ids.error).fin && c.stream(ids.stdout).fin, { timeoutMs: 2000, describe: describeClient });
    const status = JSON.parse(c.stream(ids.error).data) as Record<string, unknown>;
    assert.deepEqual([status.status, status.reason, status.message], ['Failure', 'NotFound', 'container not found ("main")']);
  });

  it('closes the connection when the client does not open its streams in time', async () => {
    open = async () => assert.fail('no node stream without every stream');
    const c = await connect({ streamCreationTimeoutMs: 200 });
    await streams(c, ['error']);
    await until(() => c.frames.some((f) => f.type === 'goAway'), { timeoutMs: 3000, describe: () => JSON.stringify(c.frames.map((f) => f.type)) });
    assert.equal(opened, 0);
    assert.ok(logged.some((l) => /timed out waiting for client to create streams/.test(l)), logged.join('\n'));
  });

  it('cancels the node stream when the client goes away', async () => {
    const node = new FakePodStream();
    open = async () => node;
    const c = await connect();
    await streams(c, ['error', 'stdout', 'stderr']);
    await until(() => opened === 1, { timeoutMs: 2000 });
    c.close();
    await until(() => node.cancelled !== undefined, { timeoutMs: 2000 });
  });

  it('accepts a stream of an unknown type and resets a second stream of one type', async () => {
    const node = new FakePodStream();
    open = async () => node;
    const c = await connect({ stderr: false });
    const [error, unknown, duplicate] = [await c.open({ streamtype: 'error' }), await c.open({ streamtype: 'mystery' }), await c.open({ streamtype: 'error' })];
    const stdout = await c.open({ streamtype: 'stdout' });
    await until(() => opened === 1 && c.stream(duplicate).reset, { timeoutMs: 2000, describe: describeClient });
    assert.ok(c.stream(unknown).replied);
    c.send(unknown, 'ignored', true);
    node.finish({ ok: true, exitCode: 0 });
    await until(() => c.stream(stdout).fin, { timeoutMs: 2000, describe: describeClient });
    assert.deepEqual(JSON.parse(c.stream(error).data), { metadata: {}, status: 'Success' });
  });

  it('expects the streams the kubelet counts: error, each requested one, resize for a TTY from v3', () => {
    const cases: [Parameters<typeof expectedStreams>[0], number, string[]][] = [
      [{ stdin: false, stdout: true, stderr: true, tty: false }, 4, ['error', 'stdout', 'stderr']],
      [{ stdin: true, stdout: true, stderr: false, tty: true }, 4, ['error', 'stdin', 'stdout', 'resize']],
      [{ stdin: true, stdout: true, stderr: false, tty: true }, 3, ['error', 'stdin', 'stdout', 'resize']],
      [{ stdin: true, stdout: true, stderr: false, tty: true }, 2, ['error', 'stdin', 'stdout']],
      [{ stdin: true, stdout: false, stderr: false, tty: false }, 1, ['error', 'stdin']],
    ];
    for (const [opts, version, want] of cases) assert.deepEqual(expectedStreams(opts, version), want, `${JSON.stringify(opts)} v${version}`);
  });
});
