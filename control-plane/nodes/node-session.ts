/**
 * One agent's `Session` stream on the control-plane side: identity from the client
 * certificate, Hello (register the Node, answer Welcome), then the node's pods streamed to
 * it and its reports applied, one message at a time, in order. Every message is validated
 * before it touches state; a bad one ends the stream with INVALID_ARGUMENT, an identity
 * problem with PERMISSION_DENIED. Any message is proof of life (NodeLiveness); nothing is
 * written to etcd for a heartbeat.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type * as grpc from '@grpc/grpc-js';
import type { Node } from '../../api/core-v1';
import { ApiError } from '../../api/errors';
import type { AgentMessage__Output, ControlMessage } from '../../proto/node-proto';
import type { StreamRequest } from '../../proto/generated/pikube/node/v1/StreamRequest';
import {
  validateHello, validateNodeStatusReport, validatePodEvent, validatePodStatusReport, validatePodTerminated, validateUsageReport,
} from './agent-message-validation';
import type { UsageReports } from './usage-reports';
import { logText } from '../log-text';
import { toGrpcError } from './grpc-status';
import { checkHelloIdentity, nodeNameFromCertificate } from './node-identity';
import type { NodeLiveness, SessionToken } from './node-liveness';
import { registerNode, updateNodeStatus, type NodeWriteContext } from './node-registration';
import type { PodCidrAllocator } from './pod-cidr-allocator';
import type { KubeletEvents } from './pod-event-report';
import { finishPodDeletion, writePodStatus } from './pod-reports';
import { traceStep } from '../../base/step-trace';
import type { ViewEntry } from './node-view';
import { ObjectFeed } from './object-feed';

export type SessionCall = grpc.ServerDuplexStream<AgentMessage__Output, ControlMessage>;

export interface SessionDeps {
  writes: NodeWriteContext;
  allocator: PodCidrAllocator;
  liveness: NodeLiveness;
  /** What a node may read (node-view.ts): streamed to the agent after the Welcome. */
  view: readonly ViewEntry[];
  /** Told to the agent in the Welcome (`--service-cidr`). */
  serviceCIDR?: string;
  caCertPem: string;
  /** Records the agent's pod events (Pulled, Started, BackOff...) as the kubelet's; absent: they are dropped. */
  kubeletEvents?: KubeletEvents;
  heartbeatIntervalMs: number;
  /** Where the agent's usage reports are kept (in memory, for the Metrics API); absent: they are dropped. */
  usage?: UsageReports;
  /** Told to the agent in the Welcome (`--pod-fencing-period`); absent: the agent's own. */
  fencingPeriodMs?: number;
  /** Every replica's node-service address, told to the agent in the Welcome (replica-addresses.ts). */
  servers(): string[];
  coalesceMs?: number;
  /** Called once the Hello is accepted; the table ends any older session of the node. */
  attach(session: NodeSession): void;
  /** Called once when the session is over, however it ended. */
  detach(session: NodeSession): void;
}

/** Messages queued behind a slow write before the agent is told to slow down. */
const MAX_QUEUED_MESSAGES = 4096;
/** How long a report that found etcd away waits before it is written again (doubling up to the cap). */
const UNAVAILABLE_RETRY_MS = { first: 500, max: 5_000 };

export class NodeSession {
  /** The node proven by the client certificate; set before anything else happens. */
  nodeName = '';
  private token?: SessionToken;
  private feed?: ObjectFeed;
  private helloSeen = false;
  private closed = false;
  private queued = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly podChains = new Map<string, Promise<void>>();
  /** Per pod chain key: the newest status report received, until it is written. */
  private readonly latestStatus = new Map<string, AgentMessage__Output>();

  constructor(private readonly call: SessionCall, private readonly deps: SessionDeps) {}

  /** Checks the peer and starts reading. */
  open(): void {
    this.call.on('error', () => this.cleanup());
    this.call.on('cancelled', () => this.cleanup());
    this.call.on('close', () => this.cleanup());
    this.call.on('end', () => this.finish());
    try {
      this.nodeName = nodeNameFromCertificate(this.call.getAuthContext().sslPeerCertificate, this.deps.caCertPem);
    } catch (err: unknown) {
      return this.fail(err);
    }
    this.call.on('data', (message: AgentMessage__Output) => this.receive(message));
  }

  /** Ends the stream with `err` as its gRPC status (a newer session, or shutdown). */
  fail(err: unknown): void {
    if (this.closed) return;
    const status = toGrpcError(err);
    this.log(`session ends: ${status.details}`);
    this.cleanup();
    this.call.emit('error', { code: status.code, details: status.details, metadata: undefined });
  }

  /** Welcomed and not over: the agent is listening for objects and stream requests. */
  get isWelcomed(): boolean {
    return !this.closed && this.feed !== undefined;
  }

  /** Asks the agent to dial a logs or exec `Stream` (pod-streams.ts); false when the session cannot carry it. */
  requestStream(request: StreamRequest): boolean {
    if (!this.isWelcomed) return false;
    this.call.write({ stream_request: request });
    return true;
  }

  /** Every heartbeat is answered: the agent's only proof, on an idle session, that a control plane hears it (agent self-fencing). */
  private acknowledge(sentUnixMs: number): void {
    if (this.isWelcomed) this.call.write({ heartbeat_ack: { sent_unix_ms: sentUnixMs } });
  }

  /** Kept in memory only, never queued behind writes: usage touches no etcd. */
  private recordUsage(message: AgentMessage__Output): void {
    try {
      this.deps.usage?.record(this.nodeName, this, validateUsageReport(message.usage!));
    } catch (err: unknown) {
      this.fail(err);
    }
  }

  private log(message: string): void {
    this.deps.writes.log(`node "${this.nodeName || '?'}" (${logText(this.call.getPeer(), 100)}): ${logText(message, 2048)}`);
  }

  private receive(message: AgentMessage__Output): void {
    if (this.closed) return;
    if (this.token !== undefined) this.deps.liveness.seen(this.nodeName, this.token);
    if (message.msg === 'heartbeat' && this.helloSeen) return this.acknowledge(message.heartbeat?.sent_unix_ms ?? 0);
    if (message.msg === 'usage' && this.helloSeen) return this.recordUsage(message);
    if (++this.queued > MAX_QUEUED_MESSAGES) return this.fail(new ApiError('TooLarge', `more than ${MAX_QUEUED_MESSAGES} messages waiting`));
    const key = this.helloSeen ? podKeyOf(message) : undefined;
    if (key === undefined) {
      this.chain = this.chain.then(() => this.handleUntilStored(message)).then(() => void this.queued--, (err: unknown) => this.fail(err));
      return;
    }
    if (message.msg === 'pod_status') this.latestStatus.set(key, message);
    // Reports about different pods are written concurrently; those about one pod stay in order.
    const next = (this.podChains.get(key) ?? this.chain).then(() => this.handleReport(key, message)).then(() => void this.queued--, (err: unknown) => this.fail(err));
    this.podChains.set(key, next);
    void next.then(() => this.podChains.get(key) === next && this.podChains.delete(key));
  }

  /**
   * A pod's report in its turn. A status that a newer status of the same pod has replaced
   * while it waited is not written: only the latest counts, as the kubelet's status manager
   * writes only a pod's latest status (under load, a pod's Running report no longer holds up
   * its Ready one).
   */
  private async handleReport(key: string, message: AgentMessage__Output): Promise<void> {
    if (message.msg !== 'pod_status') return this.handleUntilStored(message);
    if (this.latestStatus.get(key) !== message) return;
    try {
      await this.handleUntilStored(message);
    } finally {
      if (this.latestStatus.get(key) === message) this.latestStatus.delete(key);
    }
  }

  /**
   * A report that finds etcd away is written again once it is back, the later ones queued behind
   * it (bounded by MAX_QUEUED_MESSAGES): ending the session instead would leave the agent
   * without a control plane it can reach (its Hello needs etcd too), and after the fencing period
   * it would stop its at-most-one pods over an etcd outage. Heartbeats are answered meanwhile.
   */
  private async handleUntilStored(message: AgentMessage__Output): Promise<void> {
    const isReport = this.helloSeen;
    for (let delayMs = UNAVAILABLE_RETRY_MS.first; ; delayMs = Math.min(delayMs * 2, UNAVAILABLE_RETRY_MS.max)) {
      try {
        return await this.handle(message);
      } catch (err: unknown) {
        if (!isReport || this.closed || !(err instanceof ApiError) || err.code !== 'ServiceUnavailable') throw err;
        if (delayMs === UNAVAILABLE_RETRY_MS.first) this.log(`holding a ${message.msg ?? ''} report until etcd answers: ${err.message}`);
        await sleep(delayMs);
      }
    }
  }

  private async handle(message: AgentMessage__Output): Promise<void> {
    if (this.closed) return;
    if (!this.helloSeen) return this.hello(message);
    switch (message.msg) {
      case 'pod_status': return this.podStatus(message);
      case 'pod_terminated': return this.podTerminated(message);
      case 'pod_event': return this.podEvent(message);
      case 'node_status': return updateNodeStatus(this.deps.writes, this.nodeName, validateNodeStatusReport(message.node_status!));
      case 'heartbeat': return; // queued behind the Hello; liveness already counted it
      case 'usage': return this.recordUsage(message); // sent while the Hello was queued
      case 'hello': throw new ApiError('Invalid', 'hello: sent twice in one session');
      default: throw new ApiError('Invalid', `unknown message ${JSON.stringify(message.msg)}`);
    }
  }

  private async hello(message: AgentMessage__Output): Promise<void> {
    if (message.msg !== 'hello' || !message.hello) throw new ApiError('Invalid', `the first message must be hello, got ${message.msg ?? 'an empty message'}`);
    this.helloSeen = true;
    checkHelloIdentity(this.nodeName, message.hello.node_name);
    const hello = validateHello(message.hello);
    this.deps.attach(this);
    this.token = this.deps.liveness.sessionOpened(this.nodeName);
    const node = await registerNode(this.deps.writes, this.deps.allocator, hello.node);
    if (this.closed) return;
    this.welcome(node);
  }

  private welcome(node: Node): void {
    const json = Buffer.from(JSON.stringify(node));
    this.call.write({ welcome: { node_json: json, heartbeat_interval_ms: this.deps.heartbeatIntervalMs, service_cidr: this.deps.serviceCIDR ?? '', fencing_period_ms: this.deps.fencingPeriodMs ?? 0, servers: this.deps.servers() } });
    // After the Welcome: the agent needs its pod CIDR before the peers' routes.
    this.feed = new ObjectFeed({
      nodeName: this.nodeName,
      view: this.deps.view,
      coalesceMs: this.deps.coalesceMs,
      log: (message) => this.log(message),
      send: (syncs) => void (this.closed || this.call.write({ objects: { syncs } })),
    });
    this.feed.start();
    this.log(`session established, pod CIDR ${node.spec.podCIDR ?? 'none'}`);
  }

  private async podStatus(message: AgentMessage__Output): Promise<void> {
    const report = validatePodStatusReport(message.pod_status!);
    traceStep('pod-start', `${report.namespace}/${report.name}`, 'status-received', `${report.status.phase ?? ''}`);
    const outcome = await writePodStatus(this.deps.writes, this.nodeName, report);
    traceStep('pod-start', `${report.namespace}/${report.name}`, 'status-written', outcome);
    if (outcome === 'stale') this.log(`status of pod ${report.namespace}/${report.name} (uid ${report.uid}) ignored: the pod is gone or was recreated`);
  }

  private async podTerminated(message: AgentMessage__Output): Promise<void> {
    const ref = validatePodTerminated(message.pod_terminated!);
    const outcome = await finishPodDeletion(this.deps.writes, this.nodeName, ref);
    if (outcome === 'not-deleting') this.log(`pod ${ref.namespace}/${ref.name} reported terminated but is not being deleted; left as it is`);
  }

  private async podEvent(message: AgentMessage__Output): Promise<void> {
    const event = validatePodEvent(message.pod_event!);
    const outcome = await this.deps.kubeletEvents?.record(this.nodeName, event);
    if (outcome === 'stale') this.log(`event ${event.reason} of pod ${event.namespace}/${event.name} (uid ${event.uid}) dropped: the pod is gone or was recreated`);
  }

  /** The agent half-closed: we are done too. */
  private finish(): void {
    if (this.closed) return;
    this.cleanup();
    this.call.end();
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    this.feed?.dispose();
    if (this.token !== undefined) this.deps.liveness.sessionClosed(this.nodeName, this.token);
    this.deps.usage?.forget(this.nodeName, this);
    this.deps.detach(this);
  }
}

/**
 * The chain a pod message waits in, for per-pod ordering; undefined for node-level messages.
 * A pod's statuses and its final PodTerminated share one chain (the terminated report follows
 * the last status); its events have a chain of their own, so that an event write never holds
 * up a status (the kubelet records events apart from its status updates, too).
 */
function podKeyOf(message: AgentMessage__Output): string | undefined {
  const uid = message.pod_status?.uid ?? message.pod_terminated?.uid;
  if (uid) return `pod/${uid}`;
  return message.pod_event?.pod_uid ? `event/${message.pod_event.pod_uid}` : undefined;
}
