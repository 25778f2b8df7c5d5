/**
 * The control plane's gRPC node service (proto/node.proto): agents dial it over mTLS (client
 * certificates required, issued by the cluster CA) and each keeps one `Session` stream open.
 * The same server serves the ReplicaService to the other replicas (replica-relay-service.ts).
 * One live session per node: a new one replaces the old, whose stream is ended. Every
 * replica serves agents; the sessions feed NodeLiveness, which the leader's node lifecycle
 * controller reads.
 */
import * as grpc from '@grpc/grpc-js';
import type { ConfigMap, Secret } from '../../api/config-v1';
import type { Node, PersistentVolumeClaim, Pod } from '../../api/core-v1';
import type { PersistentVolume } from '../../api/storage-v1';
import type { EndpointSlice, Service } from '../../api/service-v1';
import type { KubeObject } from '../../api/meta';
import type { ServiceAccount } from '../../api/service-account';
import type { ServiceAccountTokenIssuer } from '../auth/service-account-token';
import { ApiError } from '../../api/errors';
import { nodeProto, type NodeServiceHandlers } from '../../proto/node-proto';
import type { Disposable } from '../../base/disposable';
import type { EventRecorder } from '../registry/event-recorder';
import type { Registry } from '../registry/registry';
import { logText } from '../log-text';
import { MESSAGE_LIMITS } from './agent-message-validation';
import type { NodeLiveness } from './node-liveness';
import { NodeSession, type SessionCall } from './node-session';
import { nodeView, type ObjectCache, type ViewEntry } from './node-view';
import { PodCidrAllocator } from './pod-cidr-allocator';
import { KubeletEvents } from './pod-event-report';
import { PodStreams, type PodStreamLimits } from './pod-streams';
import { figuresToWire, localNodeFigures, type NodeFigure } from './node-figures';
import { replicaRelayHandlers } from './replica-relay-service';
import { podTokenHandler } from './pod-token-service';
import { UsageReports } from './usage-reports';

/** A shared informer the service waits for before it accepts agents. */
type SyncedCache<T extends KubeObject> = ObjectCache<T> & { whenSynced(signal?: AbortSignal): Promise<void> };

/** Without a ServiceAccount informer every account is read from the store. */
const NO_ACCOUNTS = { get: (): undefined => undefined };

/** PEM: the cluster CA (to verify agents) and this replica's serving certificate and key. */
export interface NodeServiceTls {
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

export interface NodeServiceOptions {
  /** Every write goes through it (validation, resourceVersion semantics). */
  registry: Registry;
  /** Optional: NodeReady events when a Hello makes a node ready. */
  events?: EventRecorder;
  /** The shared pod informer (all namespaces); started by the owner. */
  pods: SyncedCache<Pod>;
  /** The shared node informer (pod CIDRs held, deletions, the agents' peers); started by the owner. */
  nodes: SyncedCache<Node>;
  /** The shared Service and EndpointSlice informers, sent to every agent; absent: agents get none. */
  services?: { services: SyncedCache<Service>; slices: SyncedCache<EndpointSlice> };
  /** The shared ConfigMap and Secret informers; each agent gets those its pods reference. Absent: agents get none. */
  config?: { configMaps: SyncedCache<ConfigMap>; secrets: SyncedCache<Secret> };
  /** The shared claim and PersistentVolume informers; each agent gets those its pods mount and the local-path volumes pinned to it. */
  storage?: { claims: SyncedCache<PersistentVolumeClaim & KubeObject>; volumes: SyncedCache<PersistentVolume> };
  /** Pods' service-account tokens (the ServiceAccountToken call): the signer and the shared ServiceAccount informer. Absent: no tokens. */
  tokens?: { issuer: ServiceAccountTokenIssuer; serviceAccounts: ObjectCache<ServiceAccount> };
  /** Every live replica's node-service address (`host:port`), told to agents in the Welcome; absent: none. */
  servers?: () => string[];
  /** e.g. `10.43.0.0/16`, told to agents in the Welcome. */
  serviceCIDR?: string;
  liveness: NodeLiveness;
  tls: NodeServiceTls;
  /** e.g. `10.42.0.0/16`: each node gets a /`nodeMaskSize` from it. */
  clusterCidr: string;
  nodeMaskSize?: number;
  /** Told to agents in Welcome. Default: defaultHeartbeatIntervalMs. */
  heartbeatIntervalMs?: number;
  /** The leader's host check (`--node-host-probe-after`, 0: off): agents heartbeat three times within it. */
  hostProbeAfterMs?: number;
  /** Told to agents in Welcome: how long they keep pods that must not run twice without a control plane. Absent: theirs. */
  fencingPeriodMs?: number;
  /** Server-side keepalive pings, to notice a vanished agent. Default 2 s / 2 s. */
  keepalive?: { timeMs?: number; timeoutMs?: number };
  /** Object feed burst coalescing window. Default 20 ms. */
  coalesceMs?: number;
  /** Bounds of logs and exec streams (pod-streams.ts has the defaults). */
  streamLimits?: Partial<PodStreamLimits>;
  now?: () => Date;
  log?: (message: string) => void;
}

/**
 * Five heartbeats per grace period and three per host-check wait (a busy agent that misses one
 * costs a probe its host answers, nothing more), between 100 ms and 1 s.
 */
export function defaultHeartbeatIntervalMs(gracePeriodMs: number, hostProbeAfterMs: number): number {
  const interval = Math.min(gracePeriodMs / 5, hostProbeAfterMs > 0 ? hostProbeAfterMs / 3 : Infinity);
  return Math.max(100, Math.min(1000, Math.floor(interval)));
}

export class NodeService {
  private readonly server: grpc.Server;
  private readonly allocator: PodCidrAllocator;
  private readonly sessions = new Map<string, NodeSession>();
  private readonly open = new Set<NodeSession>();
  private readonly log: (message: string) => void;
  private readonly kubeletEvents: KubeletEvents;
  /** Logs and exec through the agents; the API server opens them (PodStreamProvider). */
  readonly streams: PodStreams;
  /** The latest usage report of each node connected here (the Metrics API reads them). */
  readonly usage = new UsageReports();
  /** What each node may read: streamed to its agent (object-feed.ts); the node authorizer's filter. */
  readonly view: readonly ViewEntry[];
  private nodeWatch?: Disposable;
  private started = false;

  constructor(private readonly opts: NodeServiceOptions) {
    this.allocator = new PodCidrAllocator({ clusterCidr: opts.clusterCidr, nodeMaskSize: opts.nodeMaskSize });
    this.log = opts.log ?? ((message) => console.warn(`node-service: ${message}`));
    this.view = nodeView({
      pods: opts.pods, nodes: opts.nodes, services: opts.services?.services, endpointSlices: opts.services?.slices,
      configMaps: opts.config?.configMaps, secrets: opts.config?.secrets,
      claims: opts.storage?.claims, volumes: opts.storage?.volumes,
    });
    this.kubeletEvents = new KubeletEvents({ registry: opts.registry, pods: opts.pods, now: opts.now, log: this.log });
    this.server = new grpc.Server({
      'grpc.keepalive_time_ms': opts.keepalive?.timeMs ?? 2000,
      'grpc.keepalive_timeout_ms': opts.keepalive?.timeoutMs ?? 2000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.max_receive_message_length': MESSAGE_LIMITS.messageBytes,
    });
    this.streams = new PodStreams({
      request: (nodeName, request) => this.sessions.get(nodeName)?.requestStream(request) ?? false,
      isConnected: (nodeName) => this.sessions.get(nodeName)?.isWelcomed ?? false,
    }, opts.tls.caCertPem, opts.streamLimits);
    const handlers: NodeServiceHandlers = {
      Session: (call) => this.accept(call),
      Stream: (call) => this.streams.accept(call),
      ServiceAccountToken: podTokenHandler({
        registry: opts.registry, caCertPem: opts.tls.caCertPem, tokenIssuer: opts.tokens?.issuer, now: opts.now,
        caches: { pods: opts.pods, nodes: opts.nodes, serviceAccounts: opts.tokens?.serviceAccounts ?? NO_ACCOUNTS },
      }),
    };
    this.server.addService(nodeProto().pikube.node.v1.NodeService.service, handlers);
    // Other replicas reach this one's nodes through it (replica-relay-service.ts).
    this.server.addService(nodeProto().pikube.node.v1.ReplicaService.service, replicaRelayHandlers({
      streams: this.streams, figures: () => figuresToWire(this.localFigures()), caCertPem: opts.tls.caCertPem,
    }));
  }

  /** What this replica knows of the nodes it has heard from: their Leases' renewTime, their usage. */
  localFigures(): NodeFigure[] {
    return localNodeFigures(this.opts.liveness, this.usage);
  }

  get heartbeatIntervalMs(): number {
    return this.opts.heartbeatIntervalMs ?? defaultHeartbeatIntervalMs(this.opts.liveness.gracePeriodMs, this.opts.hostProbeAfterMs ?? 0);
  }

  /** Nodes with a session on this replica. */
  connectedNodes(): string[] {
    return [...this.sessions.keys()];
  }

  /**
   * Waits for the informers, recovers the pod CIDRs held by stored Nodes, and listens on
   * `address` (`host:port`, port 0 for any). Resolves with the bound port.
   */
  async start(address: string, signal?: AbortSignal): Promise<number> {
    if (this.started) throw new Error('node service already started');
    this.started = true;
    const services = this.opts.services;
    const config = this.opts.config;
    await Promise.all([
      this.opts.nodes.whenSynced(signal), this.opts.pods.whenSynced(signal), services?.services.whenSynced(signal), services?.slices.whenSynced(signal),
      config?.configMaps.whenSynced(signal), config?.secrets.whenSynced(signal),
      this.opts.storage?.claims.whenSynced(signal), this.opts.storage?.volumes.whenSynced(signal),
    ]);
    this.followNodes();
    return this.bind(address);
  }

  /** Ends every session (UNAVAILABLE: agents dial another replica) and stops listening. */
  async dispose(): Promise<void> {
    this.nodeWatch?.dispose();
    this.streams.dispose();
    for (const session of [...this.open]) session.fail(new ApiError('ServiceUnavailable', 'the control plane is shutting down'));
    this.server.forceShutdown();
  }

  private bind(address: string): Promise<number> {
    const { caCertPem, certPem, keyPem } = this.opts.tls;
    const credentials = grpc.ServerCredentials.createSsl(Buffer.from(caCertPem), [{ cert_chain: Buffer.from(certPem), private_key: Buffer.from(keyPem) }], true);
    return new Promise((resolve, reject) => {
      this.server.bindAsync(address, credentials, (err, port) => (err ? reject(err) : resolve(port)));
    });
  }

  /** Pod CIDRs: recovered from every stored Node, kept in step with Nodes other replicas write, freed when a Node is deleted. */
  private followNodes(): void {
    for (const problem of this.allocator.recover(this.opts.nodes.list())) this.log(`pod CIDR recovery: ${logText(problem)}`);
    this.nodeWatch = this.opts.nodes.onChange((type, node) => {
      const name = node.metadata.name ?? '';
      if (type === 'DELETED') return this.nodeDeleted(name);
      const problem = node.spec?.podCIDR ? this.allocator.claim(name, node.spec.podCIDR) : undefined;
      if (problem) this.log(`pod CIDR: ${logText(problem)}`);
    });
  }

  private nodeDeleted(name: string): void {
    this.allocator.release(name);
    this.kubeletEvents.forgetNode(name);
    this.opts.liveness.forget(name);
    // The agent re-registers (and gets a pod CIDR again) when it next says Hello.
    this.sessions.get(name)?.fail(new ApiError('NotFound', `node "${name}" was deleted; register again`));
  }

  private accept(call: SessionCall): void {
    const session = new NodeSession(call, {
      writes: { registry: this.opts.registry, events: this.opts.events, now: this.opts.now ?? (() => new Date()), log: this.log },
      allocator: this.allocator,
      liveness: this.opts.liveness,
      view: this.view,
      serviceCIDR: this.opts.serviceCIDR,
      caCertPem: this.opts.tls.caCertPem,
      kubeletEvents: this.kubeletEvents,
      heartbeatIntervalMs: this.heartbeatIntervalMs,
      usage: this.usage,
      fencingPeriodMs: this.opts.fencingPeriodMs,
      servers: () => this.opts.servers?.() ?? [],
      coalesceMs: this.opts.coalesceMs,
      attach: (s) => this.attach(s),
      detach: (s) => this.detach(s),
    });
    this.open.add(session);
    session.open();
  }

  /** Only one live session per node: the newest wins. */
  private attach(session: NodeSession): void {
    const previous = this.sessions.get(session.nodeName);
    this.sessions.set(session.nodeName, session);
    previous?.fail(new ApiError('Conflict', `session replaced by a newer session of node "${session.nodeName}"`));
  }

  private detach(session: NodeSession): void {
    this.open.delete(session);
    if (this.sessions.get(session.nodeName) !== session) return;
    this.sessions.delete(session.nodeName);
    this.streams.nodeDisconnected(session.nodeName);
  }
}
