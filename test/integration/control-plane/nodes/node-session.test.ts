import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import type { Event, Node, NodeCondition, Pod, PodStatus } from '../../../../api/core-v1';
import type { PeerNode } from '../../../../agent/network/node-routes';
import { peerNodesConsumer } from '../../../../agent/network/peer-nodes';
import { AgentSession } from '../../../../agent/session';
import type { PodSink } from '../../../../agent/pods/pod-sink';
import { ApiError } from '../../../../api/errors';
import { EventRecorder } from '../../../../control-plane/registry/event-recorder';
import { Registry } from '../../../../control-plane/registry/registry';
import { EVENTS, NAMESPACES, NODES, PODS } from '../../../../control-plane/registry/kinds';
import { createCertificateAuthority, issueCertificate, type KeyPair } from '../../../../control-plane/auth/pki';
import { nodeLifecycleController } from '../../../../control-plane/controllers/node-lifecycle-controller';
import { NodeLiveness } from '../../../../control-plane/nodes/node-liveness';
import { NodeService } from '../../../../control-plane/nodes/node-service';
import { Informer } from '../../../../control-plane/store/informer';
import { objectKey, resourcePrefix, type KeySpace } from '../../../../control-plane/store/keys';
import type { Store, StoreEvent } from '../../../../control-plane/store/store';
import { nodeProto, type ControlMessage__Output } from '../../../../proto/node-proto';
import { until } from '../../../../scripts/cluster/wait-until';
import { setTimeout as sleep } from 'node:timers/promises';
import { ControllerHarness } from '../../../support/controller-harness';
import { withEtcd } from '../../../support/etcd-fixture';

const GRACE_MS = 2000;
const HEARTBEAT_MS = 200;
const FENCING_PERIOD_MS = 6000;

/** The hand-written PodSink: records every desired set it is given. */
class RecordingSink implements PodSink {
  readonly calls: Pod[][] = [];
  setDesired(pods: Pod[]): void {
    this.calls.push(structuredClone(pods));
  }
  get last(): Pod[] | undefined {
    return this.calls.at(-1);
  }
  names(): string[] {
    return (this.last ?? []).map((p) => p.metadata.name ?? '');
  }
}

function aNode(name: string, labels: Record<string, string> = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'arm64', ...labels } },
    spec: {},
    status: {
      capacity: { cpu: '4', memory: '4015424Ki', pods: '110' },
      allocatable: { cpu: '4', memory: '3913024Ki', pods: '110' },
      addresses: [{ type: 'InternalIP', address: '192.168.1.21' }, { type: 'Hostname', address: name }],
      conditions: [{ type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' }],
    },
  };
}

function aPod(name: string, nodeName: string | undefined, extra: Partial<Pod['metadata']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}-${Math.random().toString(16).slice(2, 8)}`, ...extra },
    spec: { containers: [{ name: 'main', image: 'busybox' }], ...(nodeName ? { nodeName } : {}) },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] },
  };
}

function runningStatus(): PodStatus {
  return {
    phase: 'Running',
    podIP: '10.42.0.5',
    conditions: [{ type: 'Ready', status: 'True' }, { type: 'ContainersReady', status: 'True' }],
    containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: { startedAt: '2024-01-01T00:00:00Z' } } }],
  };
}

interface Pki {
  ca: KeyPair;
  server: KeyPair;
  nodeCert(name: string, ca?: KeyPair): KeyPair;
}

function makePki(): Pki {
  const ca = createCertificateAuthority();
  const server = issueCertificate(ca, { commonName: 'pikube-node-service', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usages: ['serverAuth'] });
  const nodeCert = (name: string, issuer = ca): KeyPair =>
    issueCertificate(issuer, { commonName: `system:node:${name}`, organizations: ['system:nodes'], usages: ['clientAuth', 'serverAuth'] });
  return { ca, server, nodeCert };
}

/** A control plane's node side on real etcd: informers, the gRPC service, liveness and the lifecycle controller. */
class ControlPlane {
  readonly liveness = new NodeLiveness({ gracePeriodMs: GRACE_MS });
  readonly nodes: Informer<Node>;
  readonly pods: Informer<Pod>;
  readonly logs: string[] = [];
  readonly registry: Registry;
  readonly events: EventRecorder;
  service?: NodeService;
  port = 0;
  private readonly stop = new AbortController();
  private controller?: ControllerHarness;

  constructor(readonly store: Store, readonly keys: KeySpace, readonly pki: Pki) {
    const log = (m: string): void => void this.logs.push(m);
    this.registry = new Registry({ store, keySpace: keys });
    this.events = new EventRecorder({ registry: this.registry, source: { component: 'node-controller' }, log });
    this.nodes = new Informer<Node>(store, resourcePrefix(keys, NODES), { log });
    this.pods = new Informer<Pod>(store, resourcePrefix(keys, PODS), { log });
  }

  async start(): Promise<void> {
    await this.registry.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    this.nodes.start(this.stop.signal);
    this.pods.start(this.stop.signal);
    await this.startService(0);
    const log = (m: string): void => void this.logs.push(m);
    this.controller = new ControllerHarness({ store: this.store, keySpace: this.keys, registry: this.registry, liveness: this.liveness, events: () => this.events, log }).run(nodeLifecycleController);
  }

  async startService(port: number): Promise<void> {
    this.service = new NodeService({
      registry: this.registry, events: this.events, pods: this.pods, nodes: this.nodes, liveness: this.liveness,
      tls: { caCertPem: this.pki.ca.certPem, certPem: this.pki.server.certPem, keyPem: this.pki.server.keyPem },
      clusterCidr: '10.42.0.0/16', heartbeatIntervalMs: HEARTBEAT_MS, fencingPeriodMs: FENCING_PERIOD_MS, log: (m) => void this.logs.push(m),
    });
    this.port = await this.service.start(`127.0.0.1:${port}`);
  }

  async stopService(): Promise<void> {
    await this.service?.dispose();
    this.service = undefined;
  }

  nodeKey(name: string): string {
    return objectKey(this.keys, NODES, undefined, name);
  }

  podKey(name: string): string {
    return objectKey(this.keys, PODS, 'default', name);
  }

  /** `reason involvedKind/name` of every Event written. */
  async eventSummary(): Promise<string[]> {
    const list = await this.registry.list<Event>(EVENTS, {});
    return list.items.map((e) => `${e.type} ${e.reason} ${e.involvedObject.kind}/${e.involvedObject.name}`);
  }

  async dispose(): Promise<void> {
    await this.stopService();
    this.stop.abort();
    await this.controller?.stop();
  }
}

function agentFor(cp: ControlPlane, name: string, sink: PodSink, cert = cp.pki.nodeCert(name), onPeers?: (peers: PeerNode[]) => void, onConfirmed?: () => void): AgentSession {
  return new AgentSession({
    onConfirmed,
    consumers: onPeers ? [peerNodesConsumer(onPeers)] : [],
    nodeName: name,
    servers: [`127.0.0.1:${cp.port}`],
    tls: { caCertPem: cp.pki.ca.certPem, certPem: cert.certPem, keyPem: cert.keyPem },
    nodeStatus: () => aNode(name),
    runningPodUids: () => [],
    sink,
    backoff: { initialDelayMs: 50, maxDelayMs: 500 },
  });
}

function ready(node: Node | undefined): string | undefined {
  return node?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
}

function unreachableTaints(node: Node | undefined): string[] {
  return (node?.spec.taints ?? []).filter((t) => t.key === 'node.kubernetes.io/unreachable').map((t) => t.effect).sort();
}

interface RawSession {
  messages: ControlMessage__Output[];
  send(message: object): void;
  ended: Promise<{ code: number; details: string; messages: ControlMessage__Output[] }>;
  close(): void;
}

/** Dials with a raw client and sends `first`; `ended` says how the stream ended. */
function openRaw(cp: ControlPlane, creds: grpc.ChannelCredentials, first: object): RawSession {
  const { NodeService: Client } = nodeProto().pikube.node.v1;
  const client = new Client(`127.0.0.1:${cp.port}`, creds);
  const call = client.Session();
  const messages: ControlMessage__Output[] = [];
  const close = (): void => {
    call.cancel();
    client.close();
  };
  const ended = new Promise<{ code: number; details: string; messages: ControlMessage__Output[] }>((resolve) => {
    const done = (code: number, details: string): void => {
      close();
      resolve({ code, details, messages });
    };
    call.on('data', (m: ControlMessage__Output) => messages.push(m));
    call.on('error', (err: grpc.ServiceError) => done(err.code, err.details));
    call.on('end', () => done(grpc.status.OK, 'ended'));
  });
  call.write(first);
  return { messages, ended, close, send: (m) => call.write(m) };
}

function rawSession(cp: ControlPlane, creds: grpc.ChannelCredentials, first: object): RawSession['ended'] {
  return openRaw(cp, creds, first).ended;
}

function clientCreds(cp: ControlPlane, cert?: KeyPair): grpc.ChannelCredentials {
  const ca = Buffer.from(cp.pki.ca.certPem);
  return cert ? grpc.credentials.createSsl(ca, Buffer.from(cert.keyPem), Buffer.from(cert.certPem)) : grpc.credentials.createSsl(ca);
}

function helloFor(name: string, nodeJson: string = JSON.stringify(aNode(name))): object {
  return { hello: { node_name: name, node_json: Buffer.from(nodeJson), running_pod_uids: [] } };
}

describe('node session: control plane ⇄ agent over gRPC with mTLS, on real etcd', function () {
  this.timeout(20_000);
  const etcd = withEtcd();
  let pki: Pki;
  let cp: ControlPlane;
  const agents: AgentSession[] = [];

  before(() => {
    pki = makePki();
  });

  beforeEach(async () => {
    cp = new ControlPlane(etcd.get().store(), etcd.get().keySpace(), pki);
    await cp.start();
  });

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.dispose()));
    await cp.dispose();
  });

  function started(agent: AgentSession): AgentSession {
    agents.push(agent);
    agent.start();
    return agent;
  }

  const describeState = (name: string) => async () => JSON.stringify({ node: await cp.store.get(cp.nodeKey(name)), logs: cp.logs });

  it('creates the Node on hello, with a pod CIDR from the cluster CIDR and Ready True', async () => {
    const agent = started(agentFor(cp, 'pi-1', new RecordingSink()));
    const node = await until(async () => ready(await cp.store.get<Node>(cp.nodeKey('pi-1'))) === 'True' && cp.store.get<Node>(cp.nodeKey('pi-1')), { timeoutMs: 5000, describe: describeState('pi-1') });
    assert.match(node?.spec.podCIDR ?? '', /^10\.42\.\d+\.0\/24$/);
    assert.deepEqual(node?.spec.podCIDRs, [node?.spec.podCIDR]);
    const readyCondition = node?.status?.conditions?.find((c) => c.type === 'Ready');
    assert.equal(readyCondition?.reason, 'KubeletReady');
    assert.equal(readyCondition?.message, 'kubelet is posting ready status');
    assert.equal(node?.metadata.labels?.['kubernetes.io/hostname'], 'pi-1');
    assert.equal(node?.status?.capacity?.cpu, '4');
    assert.ok(node?.metadata.uid && node.metadata.creationTimestamp, 'created through the registry');
    await until(() => agent.connected && agent.node?.spec.podCIDR === node?.spec.podCIDR, { timeoutMs: 2000 });
  });

  it('keeps a node whose agent says its network is not ready NotReady and tainted, then Ready with a NodeReady event once it says so', async () => {
    const networkDown: NodeCondition = { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:pod network not ready' };
    const starting = aNode('pi-1');
    starting.status?.conditions?.push(networkDown);
    const cert = cp.pki.nodeCert('pi-1');
    const agent = started(new AgentSession({
      consumers: [], nodeName: 'pi-1', servers: [`127.0.0.1:${cp.port}`],
      tls: { caCertPem: cp.pki.ca.certPem, certPem: cert.certPem, keyPem: cert.keyPem },
      nodeStatus: () => starting, runningPodUids: () => [], sink: new RecordingSink(), backoff: { initialDelayMs: 50, maxDelayMs: 500 },
    }));
    const notReadyTaints = (n: Node | undefined): string => (n?.spec.taints ?? []).filter((t) => t.key === 'node.kubernetes.io/not-ready').map((t) => t.effect).sort().join();
    const held = await until(async () => {
      const n = await cp.store.get<Node>(cp.nodeKey('pi-1'));
      return notReadyTaints(n) !== '' && n;
    }, { timeoutMs: 5000, describe: describeState('pi-1') });
    assert.equal(ready(held), 'False');
    assert.equal(held.status?.conditions?.find((c) => c.type === 'Ready')?.message, networkDown.message);
    assert.ok(!(await cp.eventSummary()).includes('Normal NodeReady Node/pi-1'), 'not Ready yet: no NodeReady');

    await until(() => agent.connected, { timeoutMs: 2000 });
    agent.reportNodeStatus({ ...aNode('pi-1').status, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }] });
    await until(async () => {
      const n = await cp.store.get<Node>(cp.nodeKey('pi-1'));
      return ready(n) === 'True' && notReadyTaints(n) === '';
    }, { timeoutMs: 5000, describe: describeState('pi-1') });
    await until(async () => (await cp.eventSummary()).includes('Normal NodeReady Node/pi-1'), { timeoutMs: 2000, describe: async () => JSON.stringify(await cp.eventSummary()) });
  });

  it("tells every agent each node's pod CIDR and InternalIP, and again when a node leaves", async () => {
    const heard = new Map<string, PeerNode[]>();
    const first = started(agentFor(cp, 'pi-1', new RecordingSink(), undefined, (p) => heard.set('pi-1', p)));
    const second = started(agentFor(cp, 'pi-2', new RecordingSink(), undefined, (p) => heard.set('pi-2', p)));
    const names = (who: string) => (heard.get(who) ?? []).map((p) => p.name).join(',');
    await until(() => names('pi-1') === 'pi-1,pi-2' && names('pi-2') === 'pi-1,pi-2', { timeoutMs: 5000, describe: async () => JSON.stringify([...heard]) });
    const cidr = first.node?.spec.podCIDR;
    assert.deepEqual(heard.get('pi-2')?.find((p) => p.name === 'pi-1'), { name: 'pi-1', podCIDR: cidr, internalIP: '192.168.1.21' });
    await second.dispose(); // or it would register again
    await cp.registry.delete(NODES, undefined, 'pi-2');
    await until(() => (heard.get('pi-1') ?? []).every((p) => p.name !== 'pi-2'), { timeoutMs: 5000, describe: async () => JSON.stringify([...heard]) });
  });

  it('skips a malformed Node written straight into etcd: agents are welcomed and hear every other peer, before and after it changes', async () => {
    const raw = etcd.get().client();
    const malformed = (version: number): string => JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'bad', labels: { v: String(version) } }, spec: { podCIDR: '10.42.200.0/24' }, status: { addresses: 'x', conditions: 'y' } });
    await raw.put(cp.nodeKey('bad')).value(malformed(1));
    await until(() => cp.nodes.get('bad'), { timeoutMs: 5000 });
    const heard = new Map<string, PeerNode[]>();
    const names = (who: string) => (heard.get(who) ?? []).map((p) => p.name).join(',');
    const first = started(agentFor(cp, 'pi-1', new RecordingSink(), undefined, (p) => heard.set('pi-1', p)));
    const second = started(agentFor(cp, 'pi-2', new RecordingSink(), undefined, (p) => heard.set('pi-2', p)));
    await until(() => names('pi-1') === 'pi-1,pi-2' && names('pi-2') === 'pi-1,pi-2', { timeoutMs: 5000, describe: async () => `${JSON.stringify([...heard])} ${cp.logs.join('\n')}` });
    // A change of the malformed Node reaches the feeds' timers: still skipped, sessions still up.
    await raw.put(cp.nodeKey('bad')).value(malformed(2));
    await until(() => cp.nodes.get('bad')?.metadata.labels?.v === '2', { timeoutMs: 5000 });
    await second.dispose(); // or it would register again
    await cp.registry.delete(NODES, undefined, 'pi-2');
    await until(() => names('pi-1') === 'pi-1', { timeoutMs: 5000, describe: async () => `${JSON.stringify([...heard])} ${cp.logs.join('\n')}` });
    assert.ok(first.connected && cp.service?.connectedNodes().includes('pi-1'), cp.logs.join('\n'));
    assert.ok(cp.logs.some((l) => l.includes('skipping malformed object bad')), cp.logs.join('\n'));
  });

  it('keeps the pod CIDR and user labels across re-registration, and gives another node another CIDR', async () => {
    const first = started(agentFor(cp, 'pi-1', new RecordingSink()));
    await until(() => first.connected, { timeoutMs: 5000, describe: describeState('pi-1') });
    const cidr = first.node?.spec.podCIDR;
    const labelled = await cp.store.get<Node>(cp.nodeKey('pi-1'));
    assert.ok(labelled);
    labelled.metadata.labels = { ...labelled.metadata.labels, 'node-role.kubernetes.io/worker': '' };
    assert.ok((await cp.store.update(cp.nodeKey('pi-1'), labelled, Number(labelled.metadata.resourceVersion))).ok);
    await first.dispose();
    const again = started(agentFor(cp, 'pi-1', new RecordingSink()));
    const other = started(agentFor(cp, 'pi-2', new RecordingSink()));
    await until(() => again.connected && other.connected, { timeoutMs: 5000, describe: describeState('pi-1') });
    assert.equal(again.node?.spec.podCIDR, cidr);
    assert.equal(again.node?.metadata.labels?.['node-role.kubernetes.io/worker'], '');
    assert.notEqual(other.node?.spec.podCIDR, cidr);
  });

  it('delivers a pod bound to the node to the sink within 1 s, and its removal', async () => {
    const sink = new RecordingSink();
    const agent = started(agentFor(cp, 'pi-1', sink));
    await until(() => agent.connected && sink.calls.length > 0, { timeoutMs: 5000, describe: describeState('pi-1') });
    await cp.store.create(cp.podKey('elsewhere'), aPod('elsewhere', 'pi-9'));
    const written = Date.now();
    await cp.store.create(cp.podKey('web'), aPod('web', 'pi-1'));
    await until(() => sink.names().includes('web'), { timeoutMs: 1000, describe: () => JSON.stringify(sink.calls.map((c) => c.map((p) => p.metadata.name))) });
    assert.ok(Date.now() - written < 1000);
    assert.deepEqual(sink.names(), ['web']);
    await cp.store.delete(cp.podKey('web'));
    await until(() => sink.last?.length === 0, { timeoutMs: 1000, describe: () => JSON.stringify(sink.names()) });
  });

  it('writes a reported status into the pod, keeping the scheduler’s condition', async () => {
    const sink = new RecordingSink();
    const agent = started(agentFor(cp, 'pi-1', sink));
    await cp.store.create(cp.podKey('web'), aPod('web', 'pi-1'));
    const pod = await until(() => sink.last?.find((p) => p.metadata.name === 'web'), { timeoutMs: 5000, describe: describeState('pi-1') });
    agent.reportStatus(pod, runningStatus());
    const stored = await until(async () => {
      const p = await cp.store.get<Pod>(cp.podKey('web'));
      return p?.status?.phase === 'Running' && p;
    }, { timeoutMs: 2000, describe: async () => JSON.stringify(await cp.store.get(cp.podKey('web'))) });
    assert.equal(stored.status?.podIP, '10.42.0.5');
    assert.deepEqual(stored.status?.conditions?.map((c) => c.type).sort(), ['ContainersReady', 'PodScheduled', 'Ready']);
    assert.deepEqual(stored.spec, pod.spec);
  });

  it('holds a status report while etcd is away and writes it once etcd answers, keeping the session (no fencing over an etcd outage)', async () => {
    await cp.dispose();
    let away = false;
    const real = etcd.get().store();
    const flaky = new Proxy(real, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        if (prop !== 'update') return value.bind(target);
        return (...args: unknown[]) => (away ? Promise.reject(new ApiError('ServiceUnavailable', 'etcd is unavailable: stopped by the test')) : value.apply(target, args));
      },
    });
    cp = new ControlPlane(flaky, etcd.get().keySpace(), pki);
    await cp.start();
    const sink = new RecordingSink();
    const agent = started(agentFor(cp, 'pi-1', sink));
    await cp.store.create(cp.podKey('web'), aPod('web', 'pi-1'));
    const pod = await until(() => sink.last?.find((p) => p.metadata.name === 'web'), { timeoutMs: 5000, describe: describeState('pi-1') });
    away = true;
    agent.reportStatus(pod, runningStatus());
    await until(() => cp.logs.some((l) => /holding a pod_status report until etcd answers/.test(l)), { timeoutMs: 3000, describe: async () => cp.logs.join('\n') });
    await sleep(1500);
    assert.equal((await cp.store.get<Pod>(cp.podKey('web')))?.status?.phase, 'Pending');
    assert.ok(agent.connected, 'the session stays up while etcd is away');
    away = false;
    await until(async () => (await cp.store.get<Pod>(cp.podKey('web')))?.status?.phase === 'Running', { timeoutMs: 8000, describe: async () => cp.logs.join('\n') });
    assert.deepEqual(cp.logs.filter((l) => /session ends/.test(l)), []);
  });

  it('writes only the latest of a pod\'s statuses that queued behind a write, and ends with the last one reported', async () => {
    const sink = new RecordingSink();
    const agent = started(agentFor(cp, 'pi-1', sink));
    await cp.store.create(cp.podKey('web'), aPod('web', 'pi-1'));
    const pod = await until(() => sink.last?.find((p) => p.metadata.name === 'web'), { timeoutMs: 5000, describe: describeState('pi-1') });
    const events: StoreEvent[] = [];
    const watch = cp.store.watch(cp.podKey('web'), { afterRevision: await cp.store.currentRevision(), onEvent: (e) => void events.push(e), onError: () => undefined });
    try {
      const reports = 20;
      for (let i = 1; i <= reports; i++) {
        agent.reportStatus(pod, { ...runningStatus(), podIP: `10.42.0.${i}` }); // each in a flush of its own
        await new Promise((resolve) => setImmediate(resolve));
      }
      await until(async () => (await cp.store.get<Pod>(cp.podKey('web')))?.status?.podIP === `10.42.0.${reports}`, { timeoutMs: 5000, describe: async () => JSON.stringify(await cp.store.get(cp.podKey('web'))) });
      await new Promise((resolve) => setTimeout(resolve, 200)); // nothing older may land after it
      assert.equal((await cp.store.get<Pod>(cp.podKey('web')))?.status?.podIP, `10.42.0.${reports}`);
      assert.ok(events.length < reports / 2, `${events.length} writes for ${reports} reports queued behind each other`);
    } finally {
      watch.dispose();
    }
  });

  it('deletes a pod with a deletionTimestamp once the agent reports it terminated, and no other', async () => {
    const sink = new RecordingSink();
    const agent = started(agentFor(cp, 'pi-1', sink));
    await cp.store.create(cp.podKey('keep'), aPod('keep', 'pi-1'));
    await cp.store.create(cp.podKey('gone'), aPod('gone', 'pi-1', { deletionTimestamp: '2024-01-01T00:00:00Z', deletionGracePeriodSeconds: 30 }));
    await until(() => sink.last?.length === 2, { timeoutMs: 5000, describe: () => JSON.stringify(sink.names()) });
    for (const pod of sink.last ?? []) agent.reportTerminated(pod);
    await until(async () => (await cp.store.get(cp.podKey('gone'))) === undefined, { timeoutMs: 2000 });
    await until(() => sink.names().join() === 'keep', { timeoutMs: 2000, describe: () => JSON.stringify(sink.names()) });
    assert.ok(await cp.store.get(cp.podKey('keep')), 'a pod that is not being deleted stays');
  });

  it('ends the session with PERMISSION_DENIED when a node reports the status of a pod bound to another node', async () => {
    const theirs = await cp.store.create(cp.podKey('theirs'), aPod('theirs', 'pi-2'));
    const session = openRaw(cp, clientCreds(cp, pki.nodeCert('pi-1')), helloFor('pi-1'));
    await until(() => session.messages.some((m) => m.welcome), { timeoutMs: 5000, describe: describeState('pi-1') });
    session.send({ pod_status: { namespace: 'default', name: 'theirs', uid: theirs.metadata.uid, status_json: Buffer.from(JSON.stringify(runningStatus())) } });
    const ended = await session.ended;
    assert.equal(ended.code, grpc.status.PERMISSION_DENIED);
    assert.match(ended.details, /pod default\/theirs .* is bound to node "pi-2", not to node "pi-1"/);
    assert.equal((await cp.store.get<Pod>(cp.podKey('theirs')))?.status?.phase, 'Pending');
  });

  it('ignores a stale status report: a pod recreated under the same name keeps its own status', async () => {
    const current = await cp.store.create(cp.podKey('web'), aPod('web', 'pi-1'));
    const session = openRaw(cp, clientCreds(cp, pki.nodeCert('pi-1')), helloFor('pi-1'));
    try {
      await until(() => session.messages.some((m) => m.objects), { timeoutMs: 5000, describe: describeState('pi-1') });
      session.send({ pod_status: { namespace: 'default', name: 'web', uid: 'an-older-uid', status_json: Buffer.from(JSON.stringify(runningStatus())) } });
      session.send({ pod_terminated: { namespace: 'default', name: 'ghost', uid: 'a-gone-uid' } });
      await until(() => cp.logs.some((l) => l.includes('status of pod default/web (uid an-older-uid) ignored')), { timeoutMs: 2000, describe: () => cp.logs.join('\n') });
      assert.equal((await cp.store.get<Pod>(cp.podKey('web')))?.metadata.resourceVersion, current.metadata.resourceVersion);
      assert.equal(cp.liveness.isConnected('pi-1'), true, 'a stale report does not end the session');
    } finally {
      session.close();
    }
  });

  it('writes a node status report that changes something', async () => {
    const agent = started(agentFor(cp, 'pi-1', new RecordingSink()));
    await until(() => agent.connected, { timeoutMs: 5000, describe: describeState('pi-1') });
    const status = aNode('pi-1').status ?? {};
    agent.reportNodeStatus({ ...status, capacity: { ...status.capacity, pods: '50' } });
    await until(async () => (await cp.store.get<Node>(cp.nodeKey('pi-1')))?.status?.capacity?.pods === '50', { timeoutMs: 2000, describe: describeState('pi-1') });
    assert.equal(ready(await cp.store.get<Node>(cp.nodeKey('pi-1'))), 'True');
  });

  it('refuses a certificate of another node, naming both', async () => {
    const result = await rawSession(cp, clientCreds(cp, pki.nodeCert('pi-2')), helloFor('pi-1'));
    assert.equal(result.code, grpc.status.PERMISSION_DENIED);
    assert.match(result.details, /node "pi-2".*cannot register as node "pi-1"/);
    assert.equal(await cp.store.get(cp.nodeKey('pi-1')), undefined);
  });

  it('refuses a certificate from another CA and a client without a certificate', async () => {
    const foreign = pki.nodeCert('pi-1', createCertificateAuthority('other-ca'));
    const fromOtherCa = await rawSession(cp, clientCreds(cp, foreign), helloFor('pi-1'));
    const withoutCert = await rawSession(cp, clientCreds(cp), helloFor('pi-1'));
    assert.equal(fromOtherCa.code, grpc.status.UNAVAILABLE);
    assert.equal(withoutCert.code, grpc.status.UNAVAILABLE);
    assert.equal(fromOtherCa.messages.length + withoutCert.messages.length, 0);
    assert.equal(await cp.store.get(cp.nodeKey('pi-1')), undefined);
  });

  it('refuses a user certificate that is not a node identity', async () => {
    const user = issueCertificate(pki.ca, { commonName: 'alice', organizations: ['system:masters'], usages: ['clientAuth'] });
    const result = await rawSession(cp, clientCreds(cp, user), helloFor('pi-1'));
    assert.equal(result.code, grpc.status.PERMISSION_DENIED);
    assert.match(result.details, /not a node identity/);
  });

  it('ends the session with INVALID_ARGUMENT on malformed node JSON, writing nothing', async () => {
    const result = await rawSession(cp, clientCreds(cp, pki.nodeCert('pi-1')), helloFor('pi-1', '{"kind":"Node",'));
    assert.equal(result.code, grpc.status.INVALID_ARGUMENT);
    assert.match(result.details, /node_json: is not JSON/);
    const wrongName = await rawSession(cp, clientCreds(cp, pki.nodeCert('pi-1')), helloFor('pi-1', JSON.stringify(aNode('pi-3'))));
    assert.equal(wrongName.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(await cp.store.get(cp.nodeKey('pi-1')), undefined);
  });

  it('marks the node Unknown and unreachable within grace + 1 s of the session ending, its pods not ready; Ready again on reconnect', async () => {
    const sink = new RecordingSink();
    const agent = started(agentFor(cp, 'pi-1', sink));
    await cp.store.create(cp.podKey('web'), aPod('web', 'pi-1'));
    const pod = await until(() => sink.last?.find((p) => p.metadata.name === 'web'), { timeoutMs: 5000, describe: describeState('pi-1') });
    agent.reportStatus(pod, runningStatus());
    await until(async () => (await cp.store.get<Pod>(cp.podKey('web')))?.status?.phase === 'Running', { timeoutMs: 2000 });

    await agent.dispose();
    const cut = Date.now();
    const down = await until(async () => {
      const n = await cp.store.get<Node>(cp.nodeKey('pi-1'));
      return ready(n) === 'Unknown' && n;
    }, { timeoutMs: GRACE_MS + 1000, intervalMs: 50, describe: describeState('pi-1') });
    assert.ok(Date.now() - cut <= GRACE_MS + 1000);
    const condition = down.status?.conditions?.find((c) => c.type === 'Ready');
    assert.equal(condition?.reason, 'NodeStatusUnknown');
    assert.equal(condition?.message, 'Kubelet stopped posting node status.');
    // Its only node down is Kubernetes' master disruption mode: NoSchedule, but no evicting NoExecute taint.
    await until(async () => unreachableTaints(await cp.store.get<Node>(cp.nodeKey('pi-1'))).join() === 'NoSchedule', { timeoutMs: 1000 });
    await until(async () => (await cp.store.get<Pod>(cp.podKey('web')))?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False', { timeoutMs: 2000 });
    assert.deepEqual(sink.names(), ['web'], 'the agent keeps its desired pods while disconnected');
    const events = await until(async () => {
      const all = await cp.eventSummary();
      return all.includes('Warning NodeNotReady Pod/web') && all;
    }, { timeoutMs: 2000, describe: async () => JSON.stringify(await cp.eventSummary()) });
    assert.ok(events.includes('Normal NodeNotReady Node/pi-1'));

    const back = started(agentFor(cp, 'pi-1', sink));
    back.reportStatus(pod, runningStatus());
    await until(async () => {
      const n = await cp.store.get<Node>(cp.nodeKey('pi-1'));
      return ready(n) === 'True' && unreachableTaints(n).length === 0;
    }, { timeoutMs: 5000, describe: describeState('pi-1') });
    await until(async () => (await cp.store.get<Pod>(cp.podKey('web')))?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True', { timeoutMs: 2000 });
    // The recorder writes the event after the node's status: wait for it rather than race it.
    const readyCounts = async (): Promise<(number | undefined)[]> =>
      (await cp.registry.list<Event>(EVENTS, {})).items.filter((e) => e.reason === 'NodeReady' && e.involvedObject.name === 'pi-1').map((e) => e.count);
    await until(async () => (await readyCounts()).join() === '2', { timeoutMs: 2000, describe: async () => JSON.stringify(await readyCounts()) });
    assert.deepEqual(await readyCounts(), [2], 'ready at registration and again on reconnect (one Event, counted twice)');
  });

  it('marks a node whose session stays open but sends no heartbeat Unknown, and Ready again when it speaks', async () => {
    const session = openRaw(cp, clientCreds(cp, pki.nodeCert('pi-1')), helloFor('pi-1'));
    try {
      await until(() => session.messages.some((m) => m.welcome), { timeoutMs: 5000, describe: describeState('pi-1') });
      await until(async () => ready(await cp.store.get<Node>(cp.nodeKey('pi-1'))) === 'Unknown', { timeoutMs: GRACE_MS + 1000, intervalMs: 50, describe: describeState('pi-1') });
      assert.equal(cp.liveness.isConnected('pi-1'), true);
      session.send({ heartbeat: { sent_unix_ms: Date.now() } });
      await until(async () => {
        const n = await cp.store.get<Node>(cp.nodeKey('pi-1'));
        return ready(n) === 'True' && unreachableTaints(n).length === 0;
      }, { timeoutMs: 2000, describe: describeState('pi-1') });
    } finally {
      session.close();
    }
  });

  it('writes nothing to etcd while a connected node stays idle for several heartbeat intervals', async () => {
    const agent = started(agentFor(cp, 'pi-1', new RecordingSink()));
    await until(() => agent.connected, { timeoutMs: 5000, describe: describeState('pi-1') });
    await until(async () => ready(await cp.store.get<Node>(cp.nodeKey('pi-1'))) === 'True', { timeoutMs: 2000 });
    const events: StoreEvent[] = [];
    const watch = cp.store.watch(`${cp.keys.prefix}/`, { afterRevision: await cp.store.currentRevision(), onEvent: (e) => void events.push(e), onError: () => undefined });
    try {
      const heartbeats: number[] = [];
      await until(() => {
        const seen = cp.liveness.lastSeen('pi-1');
        if (seen !== undefined && heartbeats.at(-1) !== seen) heartbeats.push(seen);
        return heartbeats.length >= 6;
      }, { timeoutMs: 6 * HEARTBEAT_MS * 3, intervalMs: 20 });
      assert.ok(cp.liveness.isAlive('pi-1'));
      assert.deepEqual(events.map((e) => `${e.type} ${e.key}`), []);
    } finally {
      watch.dispose();
    }
  });

  it('reconnects by itself when the node service restarts, keeps its pods meanwhile and resends their statuses', async () => {
    const sink = new RecordingSink();
    const agent = started(agentFor(cp, 'pi-1', sink));
    await cp.store.create(cp.podKey('web'), aPod('web', 'pi-1'));
    const pod = await until(() => sink.last?.find((p) => p.metadata.name === 'web'), { timeoutMs: 5000, describe: describeState('pi-1') });
    agent.reportStatus(pod, runningStatus());
    await until(async () => (await cp.store.get<Pod>(cp.podKey('web')))?.status?.phase === 'Running', { timeoutMs: 2000 });
    const port = cp.port;
    await cp.stopService();
    await until(() => !agent.connected, { timeoutMs: 5000 });
    const stored = await cp.store.get<Pod>(cp.podKey('web'));
    assert.ok(stored);
    stored.status = { ...stored.status, conditions: [{ type: 'Ready', status: 'False' }] };
    assert.ok((await cp.store.update(cp.podKey('web'), stored, Number(stored.metadata.resourceVersion))).ok);

    await cp.startService(port);
    await until(() => agent.connected && cp.service?.connectedNodes().includes('pi-1'), { timeoutMs: 5000, describe: () => cp.logs.join('\n') });
    await until(async () => (await cp.store.get<Pod>(cp.podKey('web')))?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True', { timeoutMs: 2000 });
    assert.ok(sink.calls.every((set) => set.some((p) => p.metadata.name === 'web')), 'the desired set never lost the pod');
  });

  it('answers every heartbeat, tells the fencing period, and confirms the pods once per session (agent self-fencing)', async () => {
    const sink = new RecordingSink();
    let confirmations = 0;
    let pods = -1;
    const agent = started(agentFor(cp, 'pi-1', sink, undefined, undefined, () => {
      confirmations++;
      pods = sink.last?.length ?? -1;
    }));
    await cp.store.create(cp.podKey('web'), aPod('web', 'pi-1'));
    await until(() => agent.connected && sink.last?.some((p) => p.metadata.name === 'web'), { timeoutMs: 5000, describe: describeState('pi-1') });
    assert.equal(agent.fencingPeriodMs, FENCING_PERIOD_MS);
    const contacts = new Set<number>();
    await until(() => contacts.add(agent.lastContactMs).size >= 5, { timeoutMs: HEARTBEAT_MS * 20, intervalMs: 10 });
    assert.ok(Date.now() - agent.lastContactMs < HEARTBEAT_MS * 3, 'an idle session still hears the control plane');
    const before = confirmations;
    assert.equal(before, 1, 'the first full set after the Welcome confirms, once');
    assert.ok(pods >= 0, 'the set was given to the sink before the confirmation');
    await cp.store.create(cp.podKey('api'), aPod('api', 'pi-1'));
    await until(() => sink.last?.some((p) => p.metadata.name === 'api'), { timeoutMs: 5000 });
    assert.equal(confirmations, before, 'a later change confirms nothing');
    const port = cp.port;
    await cp.stopService();
    await until(() => !agent.connected, { timeoutMs: 5000 });
    await cp.startService(port);
    await until(() => confirmations === before + 1, { timeoutMs: 5000, describe: () => cp.logs.join('\n') });
    assert.equal(pods, 2);
  });

  it('replaces the older session of a node that connects again, ending it', async () => {
    const creds = clientCreds(cp, pki.nodeCert('pi-1'));
    const first = openRaw(cp, creds, helloFor('pi-1'));
    await until(() => first.messages.some((m) => m.welcome), { timeoutMs: 5000, describe: describeState('pi-1') });
    const second = openRaw(cp, creds, helloFor('pi-1'));
    try {
      const ended = await first.ended;
      assert.equal(ended.code, grpc.status.ABORTED);
      assert.match(ended.details, /replaced by a newer session of node "pi-1"/);
      await until(() => second.messages.some((m) => m.welcome) && cp.liveness.isConnected('pi-1'), { timeoutMs: 5000 });
    } finally {
      second.close();
    }
  });
});
