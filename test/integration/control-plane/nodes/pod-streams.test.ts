/**
 * Logs and exec streams between the control plane's PodStreams and the agent's
 * StreamDispatcher, over the real gRPC node service with mTLS on real etcd. Docker is a
 * hand-written fake here (the e2e test runs the real one): what is under test is the
 * request → dial → ready → frames → end protocol, its bounds and its clean-up.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { Duplex, PassThrough, type Readable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import type { Node, Pod } from '../../../../api/core-v1';
import { ApiError } from '../../../../api/errors';
import { labelsFor } from '../../../../agent/pods/docker-labels';
import type { PodSink } from '../../../../agent/pods/pod-sink';
import { AgentSession } from '../../../../agent/session';
import type { ContainerStreams, ExecOptions, ExecProcess, LogOptions, PodAddress, RawOutput } from '../../../../agent/streams/container-streams';
import { StreamDispatcher, type StreamRequestHandler } from '../../../../agent/streams/stream-dispatcher';
import type { ContainerSummary } from '../../../../agent/runtime/container-runtime';
import type { OutputChunk, PodStream } from '../../../../control-plane/apiserver/pod-stream-provider';
import { Registry } from '../../../../control-plane/registry/registry';
import { NAMESPACES, NODES, PODS } from '../../../../control-plane/registry/kinds';
import { createCertificateAuthority, issueCertificate, type KeyPair } from '../../../../control-plane/auth/pki';
import { NodeLiveness } from '../../../../control-plane/nodes/node-liveness';
import { NodeService } from '../../../../control-plane/nodes/node-service';
import type { PodStreamLimits } from '../../../../control-plane/nodes/pod-streams';
import { Informer } from '../../../../control-plane/store/informer';
import { resourcePrefix } from '../../../../control-plane/store/keys';
import { nodeProto } from '../../../../proto/node-proto';
import type { StreamFrame__Output } from '../../../../proto/generated/pikube/node/v1/StreamFrame';
import type { StreamRequest__Output } from '../../../../proto/generated/pikube/node/v1/StreamRequest';
import { until } from '../../../../scripts/cluster/wait-until';
import { withEtcd } from '../../../support/etcd-fixture';

const NOOP_SINK: PodSink = { setDesired: () => undefined };

function aNode(name: string): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {},
    status: { capacity: { cpu: '4', memory: '4Gi', pods: '110' }, allocatable: { cpu: '4', memory: '4Gi', pods: '110' } },
  };
}

function aPod(nodeName: string, uid = randomUUID()): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid }, spec: { nodeName, containers: [{ name: 'main', image: 'busybox' }] } };
}

/** Docker's multiplexed framing of one payload. */
function frame(stream: 1 | 2, text: string): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(Buffer.byteLength(text), 4);
  return Buffer.concat([header, Buffer.from(text)]);
}

/** An exec'd process: what it reads from stdin is recorded; the test writes its output. */
class FakeProcess {
  readonly stdin: string[] = [];
  stdinEnded = false;
  readonly resizes: [number, number][] = [];
  readonly stream: Duplex;
  exitCode = 0;

  constructor() {
    this.stream = new Duplex({
      read: () => undefined,
      write: (chunk: Buffer, _encoding, callback) => {
        this.stdin.push(chunk.toString());
        callback();
      },
      final: (callback) => {
        this.stdinEnded = true;
        callback();
      },
    });
  }

  output(bytes: Buffer): void {
    this.stream.push(bytes);
  }

  exit(code: number): void {
    this.exitCode = code;
    this.stream.push(null);
  }
}

/** ContainerStreams over a pod with one container `main` whose attempts the test chooses. */
class FakeContainers implements ContainerStreams {
  readonly opened: { opts: LogOptions; stream: PassThrough }[] = [];
  readonly processes: { opts: ExecOptions; process: FakeProcess }[] = [];
  attempts = 1;
  logContent: Buffer[] = [frame(1, 'line 1\n'), frame(2, 'oops\n'), frame(1, 'line 2\n')];
  /** Where forwarded connections go: a loopback server the test runs stands in for the pod IP. */
  address: PodAddress = { kind: 'ip', address: '127.0.0.1' };

  constructor(private readonly podUid: () => string) {}

  async listContainers(): Promise<ContainerSummary[]> {
    return Array.from({ length: this.attempts }, (_, restartCount) => ({
      id: `c${restartCount}`, name: `k8s_main_${restartCount}`, status: restartCount === this.attempts - 1 ? 'running' : 'exited',
      labels: labelsFor({ podUid: this.podUid(), podName: 'web', podNamespace: 'default', containerName: 'main', kind: 'container', restartCount, gracePeriodSeconds: 30 }),
    }));
  }

  async logs(_id: string, opts: LogOptions, signal: AbortSignal): Promise<RawOutput> {
    const stream = new PassThrough();
    signal.addEventListener('abort', () => stream.destroy(), { once: true });
    this.opened.push({ opts, stream });
    for (const bytes of this.logContent) stream.write(bytes);
    if (!opts.follow) stream.end();
    return { tty: false, stream };
  }

  async attach(id: string, opts: Omit<ExecOptions, 'command'>, signal: AbortSignal): Promise<ExecProcess> {
    return this.exec(id, { ...opts, command: [] }, signal);
  }

  async podAddress(): Promise<PodAddress> {
    return this.address;
  }

  async exec(_id: string, opts: ExecOptions, signal: AbortSignal): Promise<ExecProcess> {
    const process = new FakeProcess();
    signal.addEventListener('abort', () => process.stream.destroy(), { once: true });
    this.processes.push({ opts, process });
    return {
      tty: opts.tty, stream: process.stream,
      resize: async (w, h) => void process.resizes.push([w, h]),
      exitCode: async () => process.exitCode,
    };
  }
}

/** Reads the output as text until it ends; rejects when it fails. */
async function collect(output: Readable): Promise<string> {
  let text = '';
  for await (const chunk of output) text += (chunk as OutputChunk).data.toString();
  return text;
}

async function rejectsWith(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => err instanceof ApiError && err.code === code && message.test(err.message));
}

describe('pod streams: logs and exec between the control plane and an agent over gRPC', function () {
  this.timeout(20_000);
  const etcd = withEtcd();
  let ca: KeyPair;
  let serving: KeyPair;
  let service: NodeService | undefined;
  let informers: Informer<Node | Pod>[] = [];
  let port = 0;
  const agents: AgentSession[] = [];
  const dispatchers: StreamDispatcher[] = [];
  const stop = new AbortController();
  let podUid = randomUUID();
  let containers: FakeContainers;

  const nodeCert = (name: string): KeyPair => issueCertificate(ca, { commonName: `system:node:${name}`, organizations: ['system:nodes'], usages: ['clientAuth', 'serverAuth'] });

  before(() => {
    ca = createCertificateAuthority();
    serving = issueCertificate(ca, { commonName: 'pikube-node-service', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usages: ['serverAuth'] });
  });

  async function startService(limits: Partial<PodStreamLimits> = {}): Promise<NodeService> {
    const store = etcd.get().store();
    const keySpace = etcd.get().keySpace();
    const registry = new Registry({ store, keySpace });
    await registry.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    const nodes = new Informer<Node>(store, resourcePrefix(keySpace, NODES));
    const pods = new Informer<Pod>(store, resourcePrefix(keySpace, PODS));
    informers = [nodes, pods] as Informer<Node | Pod>[];
    nodes.start();
    pods.start();
    service = new NodeService({
      registry, pods, nodes, liveness: new NodeLiveness({ gracePeriodMs: 5000 }), clusterCidr: '10.42.0.0/16', heartbeatIntervalMs: 200,
      tls: { caCertPem: ca.certPem, certPem: serving.certPem, keyPem: serving.keyPem }, streamLimits: limits, log: () => undefined,
    });
    port = await service.start('127.0.0.1:0');
    return service;
  }

  async function connectAgent(name: string, streams: StreamRequestHandler): Promise<AgentSession> {
    const cert = nodeCert(name);
    const agent = new AgentSession({
      nodeName: name, servers: [`127.0.0.1:${port}`], tls: { caCertPem: ca.certPem, certPem: cert.certPem, keyPem: cert.keyPem },
      nodeStatus: () => aNode(name), runningPodUids: () => [], sink: NOOP_SINK, streams, backoff: { initialDelayMs: 50, maxDelayMs: 500 },
    });
    agents.push(agent);
    agent.start();
    await until(() => agent.connected && service?.streams.isConnected(name), { timeoutMs: 5000 });
    return agent;
  }

  async function agentWithFakeDocker(name = 'pi-1'): Promise<StreamDispatcher> {
    const dispatcher = new StreamDispatcher(containers);
    dispatchers.push(dispatcher);
    await connectAgent(name, dispatcher);
    return dispatcher;
  }

  beforeEach(() => {
    podUid = randomUUID();
    containers = new FakeContainers(() => podUid);
  });

  afterEach(async () => {
    await Promise.all(dispatchers.splice(0).map((d) => d.dispose()));
    await Promise.all(agents.splice(0).map((a) => a.dispose()));
    await service?.dispose();
    service = undefined;
    for (const i of informers) i.dispose();
  });

  after(() => stop.abort());

  const logParams = { container: 'main', follow: false, previous: false, timestamps: false };

  it("streams a container's log through the agent, stdout and stderr in order, with the options asked for", async () => {
    const streams = await startService();
    await agentWithFakeDocker();
    const stream = await streams.streams.openLogs(aPod('pi-1', podUid), { ...logParams, timestamps: true, tailLines: 0, sinceUnixMs: 1000 }, AbortSignal.timeout(5000));
    assert.equal(await collect(stream.output), 'line 1\noops\nline 2\n');
    assert.deepEqual(await stream.result, { ok: true, exitCode: 0 });
    assert.deepEqual(containers.opened[0].opts, { follow: false, timestamps: true, tailLines: 0, sinceUnixMs: 1000 });
  });

  it('forwards a connection: the agent dials the pod address, bytes and half-closes flow both ways', async () => {
    const streams = await startService();
    await agentWithFakeDocker();
    const server = net.createServer((socket) => {
      let got = '';
      socket.on('data', (d: Buffer) => (got += d.toString()));
      socket.on('end', () => socket.end(got.toUpperCase()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const pod = aPod('pi-1', podUid);
      const conn = await streams.streams.openPortForward(pod, (server.address() as net.AddressInfo).port, AbortSignal.timeout(5000));
      conn.writeStdin(Buffer.from('hello '));
      conn.writeStdin(Buffer.from('pod'));
      conn.closeStdin();
      assert.equal(await collect(conn.output), 'HELLO POD');
      assert.deepEqual(await conn.result, { ok: true, exitCode: 0 });
      await until(() => streams.streams.streamCount('pi-1') === 0, { timeoutMs: 5000 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("refuses a forward to a closed port with the agent's dial error, and a pod without a sandbox", async () => {
    const streams = await startService();
    await agentWithFakeDocker();
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await rejectsWith(streams.streams.openPortForward(aPod('pi-1', podUid), port, AbortSignal.timeout(5000)), 'InternalError',
      new RegExp(`failed to connect to localhost:${port} inside the pod's network \\(127\\.0\\.0\\.1:${port}\\): connect: connection refused`));
    containers.address = { kind: 'none' };
    await rejectsWith(streams.streams.openPortForward(aPod('pi-1', podUid), port, AbortSignal.timeout(5000)), 'NotFound', /has no running sandbox on this node/);
  });

  it('cuts the log at limitBytes', async () => {
    const streams = await startService();
    await agentWithFakeDocker();
    const stream = await streams.streams.openLogs(aPod('pi-1', podUid), { ...logParams, limitBytes: 9 }, AbortSignal.timeout(5000));
    assert.equal(await collect(stream.output), 'line 1\noo');
  });

  it("reads the previous instance, and refuses --previous without one in the kubelet's words", async () => {
    const streams = await startService();
    await agentWithFakeDocker();
    await rejectsWith(streams.streams.openLogs(aPod('pi-1', podUid), { ...logParams, previous: true }, AbortSignal.timeout(5000)),
      'BadRequest', /^previous terminated container "main" in pod "web" not found$/);
    containers.attempts = 2;
    const stream = await streams.streams.openLogs(aPod('pi-1', podUid), { ...logParams, previous: true }, AbortSignal.timeout(5000));
    await collect(stream.output);
    assert.equal(containers.opened.length, 1);
  });

  it('cancels the Docker log stream when the client goes away, and frees the slot on both sides', async () => {
    const service = await startService();
    const dispatcher = await agentWithFakeDocker();
    const stream = await service.streams.openLogs(aPod('pi-1', podUid), { ...logParams, follow: true }, AbortSignal.timeout(5000));
    const chunks: string[] = [];
    stream.output.on('data', (c: OutputChunk) => chunks.push(c.data.toString()));
    containers.opened[0].stream.write(frame(1, 'later\n'));
    await until(() => chunks.join('').endsWith('later\n'), { timeoutMs: 5000, describe: () => JSON.stringify(chunks) });
    assert.equal(service.streams.streamCount('pi-1'), 1);
    stream.output.destroy();
    await until(() => containers.opened[0].stream.destroyed && dispatcher.activeStreams === 0 && service.streams.streamCount('pi-1') === 0, { timeoutMs: 5000 });
    assert.equal((await stream.result).ok, false);
  });

  it('runs an exec: stdin and its close, terminal resizes, output and the exit code', async () => {
    const service = await startService();
    await agentWithFakeDocker();
    const stream = await service.streams.openExec(aPod('pi-1', podUid), { container: 'main', command: ['sh'], stdin: true, stdout: true, stderr: false, tty: true }, AbortSignal.timeout(5000));
    const { process, opts } = containers.processes[0];
    assert.deepEqual(opts, { command: ['sh'], stdin: true, stdout: true, stderr: false, tty: true });
    stream.writeStdin(Buffer.from('echo hi\n'));
    stream.resize(120, 40);
    stream.closeStdin();
    await until(() => process.stdinEnded, { timeoutMs: 5000 });
    assert.deepEqual(process.stdin, ['echo hi\n']);
    assert.deepEqual(process.resizes, [[120, 40]]);
    process.output(Buffer.from('hi\r\n'));
    process.exit(3);
    assert.equal(await collect(stream.output), 'hi\r\n');
    assert.deepEqual(await stream.result, { ok: true, exitCode: 3 });
  });

  it('refuses an exec in a container that is not running', async () => {
    const service = await startService();
    await agentWithFakeDocker();
    containers.attempts = 0;
    await rejectsWith(service.streams.openExec(aPod('pi-1', podUid), { container: 'main', command: ['ls'], stdin: false, stdout: true, stderr: true, tty: false }, AbortSignal.timeout(5000)),
      'NotFound', /^container not found \("main"\)$/);
  });

  it('fails an open stream when the agent goes away', async () => {
    const service = await startService();
    const dispatcher = await agentWithFakeDocker();
    const stream = await service.streams.openLogs(aPod('pi-1', podUid), { ...logParams, follow: true }, AbortSignal.timeout(5000));
    const text = collect(stream.output);
    await dispatcher.dispose();
    await assert.rejects(text);
    const result = await stream.result;
    assert.equal(result.ok, false);
    await until(() => service.streams.streamCount('pi-1') === 0, { timeoutMs: 5000 });
  });

  it('expires a request the agent never dials for', async () => {
    const service = await startService({ pendingTimeoutMs: 300 });
    const seen: StreamRequest__Output[] = [];
    await connectAgent('pi-1', { handle: (r) => void seen.push(r) });
    await rejectsWith(service.streams.openLogs(aPod('pi-1', podUid), logParams, AbortSignal.timeout(5000)), 'Timeout', /did not open the stream within 300 ms/);
    assert.equal(seen.length, 1);
    assert.equal(service.streams.streamCount('pi-1'), 0);
  });

  it('refuses a node without a session, and more streams than the per-node cap', async () => {
    const service = await startService({ maxStreamsPerNode: 1 });
    await agentWithFakeDocker();
    await rejectsWith(service.streams.openLogs(aPod('pi-9', podUid), logParams, AbortSignal.timeout(5000)), 'ServiceUnavailable', /node "pi-9" has no session/);
    const first = await service.streams.openLogs(aPod('pi-1', podUid), { ...logParams, follow: true }, AbortSignal.timeout(5000));
    await rejectsWith(service.streams.openLogs(aPod('pi-1', podUid), logParams, AbortSignal.timeout(5000)), 'ServiceUnavailable', /at most 1/);
    first.cancel('done');
    await until(() => service.streams.streamCount('pi-1') === 0, { timeoutMs: 5000 });
    const again = await service.streams.openLogs(aPod('pi-1', podUid), logParams, AbortSignal.timeout(5000));
    assert.equal(await collect(again.output), 'line 1\noops\nline 2\n');
  });

  it('accepts a stream only from the node it was requested from', async () => {
    const service = await startService();
    const requests: StreamRequest__Output[] = [];
    await connectAgent('pi-1', { handle: (r) => void requests.push(r) });
    const opening: Promise<PodStream> = service.streams.openLogs(aPod('pi-1', podUid), logParams, AbortSignal.timeout(5000));
    await until(() => requests.length === 1, { timeoutMs: 5000 });
    const id = requests[0].stream_id;
    const dialAs = (name: string): { call: grpc.ClientDuplexStream<object, StreamFrame__Output>; ended: Promise<number>; close(): void } => {
      const cert = nodeCert(name);
      const client = new (nodeProto().pikube.node.v1.NodeService)(`127.0.0.1:${port}`, grpc.credentials.createSsl(Buffer.from(ca.certPem), Buffer.from(cert.keyPem), Buffer.from(cert.certPem)));
      const call = client.Stream();
      const ended = new Promise<number>((resolve) => {
        call.on('error', (err: grpc.ServiceError) => resolve(err.code));
        call.on('end', () => resolve(grpc.status.OK));
        call.on('data', () => undefined);
      });
      return { call, ended, close: () => { call.cancel(); client.close(); } };
    };
    const intruder = dialAs('pi-2');
    intruder.call.write({ stream_id: id });
    assert.equal(await intruder.ended, grpc.status.PERMISSION_DENIED);
    intruder.close();
    const unknown = dialAs('pi-1');
    unknown.call.write({ stream_id: randomUUID() });
    assert.equal(await unknown.ended, grpc.status.NOT_FOUND);
    unknown.close();
    const owner = dialAs('pi-1');
    owner.call.write({ stream_id: id });
    owner.call.write({ stdout: Buffer.from('from the owner\n') });
    owner.call.write({ end: { success: true, exit_code: 0, reason: '', message: '' } });
    const stream = await opening;
    assert.equal(await collect(stream.output), 'from the owner\n');
    assert.equal(await owner.ended, grpc.status.OK);
    owner.close();
  });
});
