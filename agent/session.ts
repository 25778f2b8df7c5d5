/**
 * The agent's side of the control-plane session (proto/node.proto). It dials one of the
 * control-plane addresses with mTLS, says Hello, heartbeats at the interval the Welcome
 * names, hands the object feed to its consumers (the node's pods become the desired set for
 * the pod manager; feed/object-dispatcher.ts), and
 * carries the pod manager's reports back. When the session drops it dials again (capped
 * exponential backoff with jitter, next address each time) and never touches the desired
 * set meanwhile: the node's pods keep running while the control plane is away.
 *
 * Self-fencing (agent/fencing) reads two things here: `lastContactMs`, when a control plane
 * last said anything (every heartbeat is acknowledged, so an idle session still speaks; a
 * half-open connection behind a partition does not), and `onConfirmed`, called once the first
 * full set of the node's pods after a Welcome has been handed to the sink: only then may pods
 * stopped by fencing start again (those no longer in the set are being removed by then).
 */
import type { ServiceAccountTokenRequest } from '../proto/generated/pikube/node/v1/ServiceAccountTokenRequest';
import type { ServiceAccountTokenResponse__Output } from '../proto/generated/pikube/node/v1/ServiceAccountTokenResponse';
import * as grpc from '@grpc/grpc-js';
import type { Node, NodeStatus, Pod, PodStatus } from '../api/core-v1';
import type { AgentMessage, ControlMessage__Output } from '../proto/node-proto';
import type { StreamRequest__Output } from '../proto/generated/pikube/node/v1/StreamRequest';
import type { Welcome__Output } from '../proto/generated/pikube/node/v1/Welcome';
import { DesiredPods } from './desired-pods';
import { systemClock, type Clock } from '../base/clock';
import type { ObjectChange } from './feed/feed-batch';
import { PODS } from './feed/feed-kinds';
import { ObjectDispatcher, type FeedConsumer } from './feed/object-dispatcher';
import { PodEventOutbox } from './pod-event-outbox';
import { PodReportOutbox } from './pod-report-outbox';
import type { PodEvent, PodReporter, PodSink } from './pods/pod-sink';
import { SessionBackoff, type BackoffOptions } from './session-backoff';
import { SessionConnection, type KeepaliveOptions } from './session-connection';
import { ServerList } from './server-list';
import type { StreamRequestHandler } from './streams/stream-dispatcher';
import type { UsageReport } from '../proto/generated/pikube/node/v1/UsageReport';

/** The session reads the time and waits between dials. */
export type SessionClock = Pick<Clock, 'now' | 'sleep'>;

/** PEM material: the cluster CA, and this node's certificate (CN system:node:<name>) and key. */
export interface AgentTls {
  caCertPem: string | Buffer;
  certPem: string | Buffer;
  keyPem: string | Buffer;
}

export interface AgentSessionOptions {
  nodeName: string;
  /** `host:port` of control-plane replicas; tried in turn, with those each Welcome names (server-list.ts). */
  servers: string[];
  tls: AgentTls;
  /** The Node as the agent sees it now (labels, status); sent in every Hello. */
  nodeStatus(): Node | Promise<Node>;
  /** Uids of the pods whose containers run on this node now (re-adopted ones included). */
  runningPodUids(): string[];
  sink: PodSink;
  /** Called after each Welcome with the Node as stored (spec.podCIDR and all) and the cluster's service CIDR ('' when not told). */
  onWelcome?(node: Node, serviceCIDR: string): void;
  /** Called after the first full pod set following each Welcome has been given to the sink. */
  onConfirmed?(): void;
  /**
   * The object feed's consumers besides the node's pods (services, peer nodes...), applied in
   * this order and before the pods of the same batch (a pod's service variables need the services).
   */
  consumers?: readonly FeedConsumer[];
  /** Serves the logs and exec streams the control plane asks for; without it they are not answered. */
  streams?: StreamRequestHandler;
  backoff?: BackoffOptions;
  keepalive?: KeepaliveOptions;
  /** How long to wait for the Welcome before trying elsewhere. Default 5 s. */
  welcomeTimeoutMs?: number;
  serverNameOverride?: string;
  clock?: SessionClock;
  log?(message: string): void;
  /** Aborting it stops the session like dispose(). */
  signal?: AbortSignal;
}

interface AttemptResult {
  uptimeMs: number;
  cause: string;
}

/** One connection attempt while it lasts. */
interface LiveAttempt {
  connection: SessionConnection;
  /** Aborts when the attempt is over: stops its heartbeat and Welcome timer. */
  over: AbortController;
  welcomedAtMs?: number;
}

export class AgentSession implements PodReporter {
  private readonly desired = new DesiredPods();
  private readonly objects: ObjectDispatcher;
  private readonly outbox = new PodReportOutbox();
  private readonly events = new PodEventOutbox();
  private readonly backoff: SessionBackoff;
  private readonly servers: ServerList;
  private readonly clock: SessionClock;
  private credentials: grpc.ChannelCredentials;
  private readonly stop = new AbortController();
  private readonly log: (message: string) => void;
  private current?: LiveAttempt;
  private delivered = false;
  private flushQueued = false;
  private storedNode?: Node;
  private running?: Promise<void>;
  private lastContact: number;
  private toldFencingPeriodMs?: number;
  /** A Welcome came; its first full pod set has not been applied yet. */
  private awaitingFullSet = false;

  constructor(private readonly opts: AgentSessionOptions) {
    this.servers = new ServerList(opts.servers);
    this.backoff = new SessionBackoff(() => this.servers.size, opts.backoff);
    this.clock = opts.clock ?? systemClock;
    this.lastContact = this.clock.now();
    this.log = opts.log ?? (() => undefined);
    const pods: FeedConsumer = { name: 'pods', kinds: [PODS], apply: (batch) => this.onPods(batch.of(PODS)) };
    this.objects = new ObjectDispatcher([...(opts.consumers ?? []), pods], this.log);
    this.credentials = grpc.credentials.createSsl(Buffer.from(opts.tls.caCertPem), Buffer.from(opts.tls.keyPem), Buffer.from(opts.tls.certPem));
  }

  /** The certificate the next connection presents (a renewed one); a live connection keeps the one it shook hands with. */
  useTls(tls: AgentTls): void {
    this.credentials = grpc.credentials.createSsl(Buffer.from(tls.caCertPem), Buffer.from(tls.keyPem), Buffer.from(tls.certPem));
  }

  /** Starts dialing; the session then runs until dispose() or the signal aborts. */
  start(): void {
    if (this.running || this.stop.signal.aborted) return;
    this.lastContact = this.clock.now();
    const onAbort = (): void => this.stop.abort();
    this.opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (this.opts.signal?.aborted) this.stop.abort();
    this.running = this.loop().finally(() => this.opts.signal?.removeEventListener('abort', onAbort));
  }

  /** Whether a session is established (welcomed) right now. */
  get connected(): boolean {
    return this.current?.welcomedAtMs !== undefined;
  }

  /** The Node as the control plane last sent it, if any session was ever welcomed. */
  get node(): Node | undefined {
    return this.storedNode;
  }

  /** When a control plane last sent anything (Welcome, objects, a heartbeat's ack); the agent's start before any. */
  get lastContactMs(): number {
    return this.lastContact;
  }

  /** The fencing period the last Welcome told (`--pod-fencing-period`), if any. */
  get fencingPeriodMs(): number | undefined {
    return this.toldFencingPeriodMs;
  }

  /** The desired pods as last delivered to the sink. */
  desiredPods(): Pod[] {
    return this.desired.list();
  }

  reportStatus(pod: Pod, status: PodStatus): void {
    this.outbox.setStatus(pod, status);
    this.queueFlush();
  }

  reportTerminated(pod: Pod): void {
    this.outbox.setTerminated(pod);
    this.queueFlush();
  }

  /** Queued (bounded) while no session is up; sent after the statuses of the same flush. */
  reportEvent(pod: Pod, event: PodEvent): void {
    this.events.add(pod, event);
    this.queueFlush();
  }

  /** A change of the node's own status (capacity, conditions); dropped while disconnected, as the next Hello carries it. */
  reportNodeStatus(status: NodeStatus): void {
    if (this.connected) this.current?.connection.send({ node_status: { status_json: Buffer.from(JSON.stringify(status)) } });
  }

  /** The node's and its containers' usage (stats/usage-reporter.ts); dropped while disconnected, the next one follows. */
  reportUsage(report: UsageReport): void {
    if (this.connected) this.current?.connection.send({ usage: report });
  }

  /** Ends the session and stops dialing. The desired set and the pods are left as they are. */
  async dispose(): Promise<void> {
    this.stop.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    const signal = this.stop.signal;
    while (!signal.aborted) {
      const address = this.servers.at(this.backoff.current);
      const result = await this.attempt(address, signal);
      if (signal.aborted) break;
      const decision = this.backoff.next(result.uptimeMs, result.cause);
      const nextAddress = this.servers.at(decision.serverIndex);
      this.log(`session with ${address} ended (${decision.reason}); dialing ${nextAddress} in ${decision.delayMs} ms`);
      await this.clock.sleep(decision.delayMs, signal);
    }
  }

  /** One connection, from dialing to its end. Never throws. */
  private async attempt(address: string, stop: AbortSignal): Promise<AttemptResult> {
    let hello: AgentMessage;
    try {
      hello = await this.hello();
    } catch (err: unknown) {
      return { uptimeMs: 0, cause: `cannot build Hello: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (stop.aborted) return { uptimeMs: 0, cause: 'agent stopping' };
    const live: LiveAttempt = { over: new AbortController(), connection: this.connect(address, () => live) };
    this.current = live;
    live.connection.send(hello);
    const cause = await this.untilEnded(live, stop);
    live.over.abort();
    live.connection.close();
    this.current = undefined;
    return { uptimeMs: live.welcomedAtMs === undefined ? 0 : this.clock.now() - live.welcomedAtMs, cause };
  }

  private connect(address: string, live: () => LiveAttempt): SessionConnection {
    return new SessionConnection({
      address,
      credentials: this.credentials,
      keepalive: this.opts.keepalive,
      serverNameOverride: this.opts.serverNameOverride,
      handlers: { onMessage: (m) => this.onMessage(m, live()) },
    });
  }

  /** Resolves with the end's cause: the stream ended, the agent stopped, or no Welcome came in time. */
  private async untilEnded(live: LiveAttempt, stop: AbortSignal): Promise<string> {
    const timeoutMs = this.opts.welcomeTimeoutMs ?? 5000;
    let timedOut = false;
    void this.clock.sleep(timeoutMs, live.over.signal).then(() => {
      if (live.over.signal.aborted || live.welcomedAtMs !== undefined) return;
      timedOut = true;
      live.connection.close();
    });
    const onStop = (): void => live.connection.close();
    stop.addEventListener('abort', onStop, { once: true });
    if (stop.aborted) onStop();
    const cause = await live.connection.ended;
    stop.removeEventListener('abort', onStop);
    if (stop.aborted) return 'agent stopping';
    return timedOut ? `no Welcome within ${timeoutMs} ms` : cause;
  }

  /** A service-account token for a pod of this node, through the current session's connection; rejects when none is up. */
  requestToken(request: ServiceAccountTokenRequest, signal: AbortSignal): Promise<ServiceAccountTokenResponse__Output> {
    const live = this.current;
    if (!live || live.welcomedAtMs === undefined) return Promise.reject(new Error('no control plane connected'));
    return live.connection.requestToken(request, signal);
  }

  private async hello(): Promise<AgentMessage> {
    const node = await this.opts.nodeStatus();
    const named: Node = { ...node, metadata: { ...node.metadata, name: this.opts.nodeName } };
    return { hello: { node_name: this.opts.nodeName, node_json: Buffer.from(JSON.stringify(named)), running_pod_uids: this.opts.runningPodUids() } };
  }

  private onMessage(message: ControlMessage__Output, live: LiveAttempt): void {
    this.lastContact = this.clock.now();
    if (message.welcome) this.onWelcome(message.welcome, live);
    else if (message.objects) this.objects.dispatch(message.objects.syncs);
    else if (message.stream_request) this.onStreamRequest(message.stream_request, live);
  }

  /** Logs and exec: the handler dials a `Stream` call over this attempt's connection. */
  private onStreamRequest(request: StreamRequest__Output, live: LiveAttempt): void {
    const streams = this.opts.streams;
    if (!streams) return this.log(`stream ${request.stream_id} not served: this agent has no stream handler`);
    this.safely('stream request', () => streams.handle(request, () => live.connection.openStream()));
  }

  private onWelcome(welcome: Welcome__Output, live: LiveAttempt): void {
    let node: Node;
    try {
      node = JSON.parse(welcome.node_json.toString('utf8')) as Node;
    } catch {
      this.log('Welcome carried a Node that is not JSON; dropping the session');
      return live.connection.close();
    }
    live.welcomedAtMs = this.clock.now();
    this.storedNode = node;
    this.awaitingFullSet = true;
    if (welcome.fencing_period_ms > 0) this.toldFencingPeriodMs = welcome.fencing_period_ms;
    this.learnServers(welcome.servers);
    void this.heartbeat(live, Math.max(welcome.heartbeat_interval_ms, 50));
    this.outbox.markAllDirty();
    this.queueFlush();
    this.safely('onWelcome', () => this.opts.onWelcome?.(node, welcome.service_cidr));
  }

  /** Every replica the control plane knows becomes a fallback for the next reconnect. */
  private learnServers(servers: readonly string[]): void {
    const before = this.servers.all().join(',');
    const refused = this.servers.learn(servers);
    if (refused.length > 0) this.log(`Welcome named malformed control-plane addresses, ignored: ${refused.slice(0, 4).join(', ')}`);
    const after = this.servers.all().join(',');
    if (after !== before) this.log(`control-plane servers: ${after}`);
  }

  /** The addresses this agent dials, configured first: for tests and diagnostics. */
  get knownServers(): string[] {
    return this.servers.all();
  }

  private async heartbeat(live: LiveAttempt, intervalMs: number): Promise<void> {
    const over = live.over.signal;
    while (!over.aborted && live.connection.isOpen) {
      await this.clock.sleep(intervalMs, over);
      if (!over.aborted) live.connection.send({ heartbeat: { sent_unix_ms: this.clock.now() } });
    }
  }

  /** Applies the feed's pods; the sink hears the full set whenever it changed (and once after the agent starts). */
  private onPods(change: ObjectChange<Pod> | undefined): void {
    const confirms = this.awaitingFullSet && change?.full === true;
    if (change && this.outbox.reconcile(change.objects)) this.queueFlush();
    if (!this.desired.apply(change) && this.delivered && !confirms) return;
    this.delivered = true;
    this.outbox.retain((uid) => this.desired.has(uid));
    const pods = this.desired.list();
    this.safely('setDesired', () => this.opts.sink.setDesired(pods));
    if (!confirms) return;
    this.awaitingFullSet = false;
    this.safely('onConfirmed', () => this.opts.onConfirmed?.());
  }

  /** Coalesces a burst of reports made in one turn of the event loop into one flush. */
  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  /** Sends what the outbox holds, if a session is up; otherwise it waits for the next Welcome. */
  private flush(): void {
    const live = this.current;
    if (live?.welcomedAtMs === undefined || !live.connection.isOpen) return;
    for (const message of this.outbox.drain()) live.connection.send(message);
    for (const message of this.events.drain()) live.connection.send(message);
    const dropped = this.events.takeDropped();
    if (dropped > 0) this.log(`${dropped} pod event(s) dropped while the control plane was away`);
  }

  private safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err: unknown) {
      this.log(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
