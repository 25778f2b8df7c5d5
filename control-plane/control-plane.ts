/**
 * One control-plane process, like k3s's server: the API server and the node service on
 * every replica; the scheduler and controllers only while this replica leads (etcd election).
 * `stop()` ends everything it started, in reverse order.
 */
import type { Etcd3 } from 'etcd3';
import type { ConfigMap, Secret } from '../api/config-v1';
import type { Namespace, Node, PersistentVolumeClaim, Pod } from '../api/core-v1';
import type { KubeObject } from '../api/meta';
import type { PersistentVolume } from '../api/storage-v1';
import type { EndpointSlice, Endpoints, Service } from '../api/service-v1';
import { systemClock } from '../base/clock';
import { EventRecorder } from './registry/event-recorder';
import { ensureDefaultNamespaces } from './apiserver/ensure-default-namespaces';
import { ensureDefaultStorageClass } from './storage/default-storage-class';
import { KINDS, LEASES, NODE_METRICS, POD_METRICS, SERVICES } from './registry/kinds';
import { loadResourceEncryption } from './store/encryption/encryption-config-file';
import { nodeLeaseSource } from './nodes/node-leases';
import { nodeMetricsSource, podMetricsSource } from './nodes/metrics-sources';
import { Registry } from './registry/registry';
import { ensureKubernetesService, type ApiServerEndpoint } from './registry/service-network/ensure-kubernetes-service';
import { ensureClusterDnsService } from './registry/service-network/ensure-cluster-dns-service';
import { KUBERNETES_ENDPOINTS_RESYNC_MS, reconcileKubernetesEndpoints } from './registry/service-network/kubernetes-endpoints';
import { repairServiceAllocations } from './registry/service-network/repair-allocations';
import { createApiServer, type ApiServer } from './apiserver/server';
import { storedObjectCheck } from './apiserver/stored-object-check';
import { bearerTokenAuthenticator, clientCertificateAuthenticator, unionAuthenticator, unionTokenAuthenticator, type TokenAuthenticator } from './auth/authenticator';
import { loadOrCreateClusterPki } from './auth/cluster-pki';
import { ensureClusterInfo } from './auth/cluster-info';
import type { Authorizer } from './auth/authorizer';
import type { KeyPair } from './auth/pki';
import { tokenFileAuthenticator } from './auth/token-file-authenticator';
import { ensureBootstrapPolicy } from './auth/rbac/ensure-bootstrap-policy';
import { boundObjectsFromInformers } from './auth/bound-object-informers';
import { nodeAuthorizer } from './auth/node-authorizer';
import { serviceAccountTokenAuthenticator } from './auth/service-account-authenticator';
import { bootstrapTokenAuthenticator } from './auth/bootstrap-token-authenticator';
import { loadOrCreateServiceAccountKey } from './auth/service-account-key';
import { ServiceAccountTokenIssuer } from './auth/service-account-token';
import type { ServiceAccount } from '../api/service-account';
import type { ServeConfig } from './control-plane-config';
import { CONTROLLERS, runControllers } from './controllers/controllers';
import type { EventSink } from './controllers/framework/api-client';
import { InformerFactory } from './controllers/framework/informer-factory';
import { LeaderElection } from './leader-election';
import type { FencingTimes } from '../base/fencing-times';
import { NodeLiveness } from './nodes/node-liveness';
import { StallClock } from '../base/stall-clock';
import type { DisruptionSettings } from './controllers/node-disruption-plan';
import type { NodeReachability } from './nodes/node-reachability';
import { NodeService } from './nodes/node-service';
import { ClusterNodeFigures } from './nodes/cluster-node-figures';
import { ClusterPodStreams } from './nodes/cluster-pod-streams';
import { ReplicaClients } from './nodes/replica-relay-client';
import { issueReplicaCertificate } from './auth/replica-certificate';
import { SharedLiveness } from './nodes/shared-liveness';
import { createEtcdClient, EtcdStore, pingEtcdEndpoint } from './store/etcd-store';
import { componentStatusSource } from './component-statuses';
import { COMPONENT_STATUSES } from './registry/kinds/component-status';
import { HEALTH_CHECK_TIMEOUT_MS } from './apiserver/handlers/health';
import type { Informer } from './store/informer';
import { HostCheckedReachability } from './nodes/host-checked-reachability';
import { HOST_PROBE_TIMEOUT_MS, internalIPOf, probeHost } from './nodes/host-probe';
import type { KeySpace } from './store/keys';

export interface Informers {
  pods: Informer<Pod>;
  nodes: Informer<Node>;
  namespaces: Informer<Namespace>;
  services: Informer<Service>;
  endpoints: Informer<Endpoints>;
  endpointSlices: Informer<EndpointSlice>;
  configMaps: Informer<ConfigMap>;
  secrets: Informer<Secret>;
  claims: Informer<PersistentVolumeClaim & KubeObject>;
  volumes: Informer<PersistentVolume>;
  serviceAccounts: Informer<ServiceAccount>;
  /** Every informer of the process, one per resource (the controllers ask it for theirs). */
  factory: InformerFactory;
}

export class ControlPlane {
  private readonly lifetime = new AbortController();
  private readonly running = new Set<Promise<void>>();
  private readonly electionClient: Etcd3;
  private readonly election: LeaderElection;
  private ports = { api: 0, nodes: 0 };

  private constructor(
    readonly store: EtcdStore,
    readonly registry: Registry,
    private readonly informers: Informers,
    private readonly apiServer: ApiServer,
    private readonly nodeService: NodeService,
    private readonly sharedLiveness: SharedLiveness,
    private readonly config: ServeConfig,
    private readonly log: (message: string) => void,
    private readonly clusterCA: KeyPair,
    private readonly replicas: ReplicaClients,
  ) {
    // A channel to a replica gone with its lease is closed.
    const pruning = sharedLiveness.onReplicasChanged(() => replicas.keepOnly(sharedLiveness.otherReplicas()));
    this.lifetime.signal.addEventListener('abort', () => pruning.dispose(), { once: true });
    // Its own etcd client: the lease keep-alive must not queue behind list and watch traffic.
    this.electionClient = createEtcdClient({ endpoints: config.etcdEndpoints, requestTimeoutMs: 5_000 });
    this.election = new LeaderElection(this.electionClient, {
      name: `${config.etcdPrefix}/leader`, identity: config.identity, ttlSeconds: LEASE_TTL_SECONDS, log,
      onStartedLeading: (signal) => this.track(runLeaderLoops({ registry, informers, liveness: sharedLiveness.reachability, hostProbeAfterMs: config.nodeHostProbeAfterMs, fencing: config.fencing, disruption: config.disruption, clusterCA, authorizer: apiServer.authorizer, log }, signal)),
    });
    // kubectl get componentstatuses: each etcd endpoint, and the leader's scheduler and controllers.
    registry.serveLive(COMPONENT_STATUSES, componentStatusSource({
      etcdEndpoints: config.etcdEndpoints,
      checkEtcd: (endpoint) => pingEtcdEndpoint(endpoint, HEALTH_CHECK_TIMEOUT_MS),
      leader: () => this.electionClient.election(`${config.etcdPrefix}/leader`, LEASE_TTL_SECONDS).leader(),
    }));
  }

  static async start(config: ServeConfig, log: (message: string) => void = console.log): Promise<ControlPlane> {
    const pki = loadOrCreateClusterPki(config.dataDir, config.advertiseAddress);
    // Service-account tokens: signed with the replicas' shared key, accepted by every replica.
    const tokenIssuer = new ServiceAccountTokenIssuer(loadOrCreateServiceAccountKey(config.dataDir));
    const keySpace: KeySpace = { prefix: config.etcdPrefix };
    // Objects stored by older versions that are not valid objects of their kind are skipped by every reader.
    // Encryption at rest, for the resources the file names: every reader above the store sees plain objects.
    const transformers = config.encryptionProviderConfig ? loadResourceEncryption(config.encryptionProviderConfig, keySpace, KINDS, log) : undefined;
    const store = await EtcdStore.connect({ endpoints: config.etcdEndpoints, log, checkObject: storedObjectCheck(keySpace), transformers });
    const registry = new Registry({ store, keySpace, serviceCIDR: config.serviceCIDR, defaultTolerationSeconds: config.defaultTolerationSeconds, serviceAccounts: { tokenIssuer }, imagePolicy: config.imagePolicy });
    await ensureDefaultNamespaces(registry);
    await ensureBootstrapPolicy(registry);
    await ensureDefaultStorageClass(registry);
    const repaired = await repairServiceAllocations(store, keySpace, registry.companionOf(SERVICES));
    if (repaired.created.length + repaired.deleted.length > 0) log(`service allocations repaired: ${repaired.created.length} restored, ${repaired.deleted.length} released`);
    await ensureKubernetesService(registry, { address: config.advertiseAddress, port: config.securePort });
    const noClusterDns = await ensureClusterDnsService(registry);
    if (noClusterDns) log(noClusterDns);
    const informers = startInformers(new InformerFactory({ store, keySpace, resolve: (r) => registry.info(r), informer: { ...INFORMER_OPTIONS, log } }));
    const tls = { caCertPem: pki.ca.certPem, certPem: pki.serving.certPem, keyPem: pki.serving.keyPem };
    const { serviceAccounts, pods, secrets, nodes } = informers;
    // A token is checked against these caches: wait for them so a valid token is never refused at start.
    await Promise.all([serviceAccounts, pods, secrets, nodes].map((i) => i.whenSynced()));
    const tokens = serviceAccountTokenAuthenticator(tokenIssuer, boundObjectsFromInformers({ serviceAccounts, pods, secrets, nodes }));
    // Silence is counted on a clock that stands still while this process is stalled: its own gap is not the nodes'.
    const stalls = new StallClock({ longStallMs: config.nodeMonitorGracePeriodMs, onLongStall: (ms) => log(`node liveness: this control plane was stalled for ${ms} ms; not counted against the nodes, which get the agents' reconnect delay`) });
    const liveness = new NodeLiveness({ gracePeriodMs: config.nodeMonitorGracePeriodMs, clock: stalls });
    const shared = new SharedLiveness({ liveness, store, etcd: { endpoints: config.etcdEndpoints }, etcdPrefix: config.etcdPrefix, identity: config.identity, ttlSeconds: LEASE_TTL_SECONDS, informer: INFORMER_OPTIONS, log });
    const kubelet = new EventRecorder({ registry, source: { component: 'node-controller' }, log });
    const nodeService = new NodeService({ registry, events: kubelet, pods: informers.pods, nodes: informers.nodes, liveness, tls, clusterCidr: config.clusterCIDR, log, hostProbeAfterMs: config.nodeHostProbeAfterMs,
      servers: () => shared.servers(),
      services: { services: informers.services, slices: informers.endpointSlices }, serviceCIDR: config.serviceCIDR,
      config: { configMaps: informers.configMaps, secrets: informers.secrets }, fencingPeriodMs: config.fencing?.periodMs,
      storage: { claims: informers.claims, volumes: informers.volumes },
      tokens: { issuer: tokenIssuer, serviceAccounts },
    });
    // Other replicas, for the nodes whose sessions they hold: streams relayed, figures asked for (ReplicaService).
    const replicas = new ReplicaClients({ caCertPem: pki.ca.certPem, certificate: issueReplicaCertificate(pki.ca, config.identity) });
    const streams = new ClusterPodStreams({ local: nodeService.streams, holderOf: (node) => shared.holderOf(node), relay: replicas });
    const figures = new ClusterNodeFigures({ local: () => nodeService.localFigures(), others: () => shared.otherReplicas(), remote: replicas, log });
    // The Metrics API from the agents' usage reports, every replica's (memory only).
    registry.serveLive(NODE_METRICS, nodeMetricsSource(figures, informers.nodes));
    registry.serveLive(POD_METRICS, podMetricsSource(figures, informers.pods));
    // Node Leases from the sessions' liveness, read when asked: a heartbeat is never an etcd write.
    registry.serveLive(LEASES, nodeLeaseSource(figures, informers.nodes));
    const bearerTokens = tokenAuthenticatorFor(config, [tokens, bootstrapTokenAuthenticator(secrets)]);
    const apiServer = createApiServer({
      registry, tls, port: config.securePort, host: config.bindAddress,
      authenticator: unionAuthenticator([clientCertificateAuthenticator, bearerTokenAuthenticator(bearerTokens)]),
      tokenReview: { tokens: bearerTokens, apiAudiences: tokenIssuer.apiAudiences },
      advertiseAddress: `${config.advertiseAddress}:${config.securePort}`, log,
      streams,
      // Node,RBAC: a node reads through the API what the node service's feed sends it, no more.
      nodeAuthorizer: nodeAuthorizer(nodeService.view),
    });
    const plane = new ControlPlane(store, registry, informers, apiServer, nodeService, shared, config, log, pki.ca, replicas);
    plane.lifetime.signal.addEventListener('abort', () => stalls.dispose(), { once: true });
    await plane.listen();
    return plane;
  }

  /** The API server's port (the configured one, or the one picked for port 0). */
  get apiPort(): number {
    return this.ports.api;
  }

  /** The node service's port. */
  get nodePort(): number {
    return this.ports.nodes;
  }

  /** Whether this replica leads (runs the scheduler and controllers) right now. */
  get isLeader(): boolean {
    return this.election.isLeader;
  }

  private async listen(): Promise<void> {
    const config = this.config;
    const apiPort = await this.apiServer.listen();
    const nodePort = await this.nodeService.start(`${config.bindAddress}:${config.nodePort}`, this.lifetime.signal);
    this.ports = { api: apiPort, nodes: nodePort };
    const host = config.advertiseAddress.includes(':') ? `[${config.advertiseAddress}]` : config.advertiseAddress;
    this.sharedLiveness.publishAddresses(`${host}:${nodePort}`, `${host}:${apiPort}`);
    await ensureClusterInfo(this.registry, `https://${host}:${apiPort}`, this.clusterCA.certPem);
    this.track(this.keepKubernetesEndpoints({ address: config.advertiseAddress, port: apiPort }));
    this.election.start();
    this.log(`pikube control plane ${config.identity}: API https://${config.advertiseAddress}:${apiPort}, nodes ${config.advertiseAddress}:${nodePort}`);
  }

  /**
   * The `kubernetes` Endpoints follow the live replicas (kubernetes-endpoints.ts): once every
   * replica's record has been read, again whenever one comes or goes, and every 10 s; a failed
   * write is logged and tried at the next turn. Ends when the replica stops.
   */
  private async keepKubernetesEndpoints(own: ApiServerEndpoint): Promise<void> {
    const signal = this.lifetime.signal;
    let wake = new AbortController();
    const changes = this.sharedLiveness.onReplicasChanged(() => wake.abort());
    try {
      await this.sharedLiveness.replicasSynced(signal).catch(() => undefined);
      while (!signal.aborted) {
        wake = new AbortController();
        const live = [own, ...this.sharedLiveness.apiServers()];
        await reconcileKubernetesEndpoints(this.registry, live).catch((err: unknown) => this.log(`kubernetes endpoints not reconciled: ${(err as Error).message}`));
        await systemClock.sleep(KUBERNETES_ENDPOINTS_RESYNC_MS, AbortSignal.any([signal, wake.signal]));
      }
    } finally {
      changes.dispose();
    }
  }

  /** Remembers one term's leader loops until they end, so `stop()` can wait for them. */
  private track(loops: Promise<void>): void {
    this.running.add(loops);
    void loops.finally(() => this.running.delete(loops));
  }

  /** Stops serving and leading; running pods are the agents' business and keep running. */
  async stop(): Promise<void> {
    this.lifetime.abort();
    await this.election.dispose();
    await Promise.allSettled([this.nodeService.dispose(), this.apiServer.close()]);
    this.replicas.dispose();
    await this.sharedLiveness.dispose();
    this.informers.factory.dispose();
    await Promise.allSettled([...this.running]);
    this.electionClient.close();
    await this.store.close();
  }
}

/** Bearer tokens: the static token file's, then ServiceAccount and bootstrap tokens (requests and TokenReview alike; client certificates come first). */
function tokenAuthenticatorFor(config: ServeConfig, clusterTokens: TokenAuthenticator[]): TokenAuthenticator {
  const fromFile = config.tokenAuthFile ? [tokenFileAuthenticator(config.tokenAuthFile)] : [];
  return unionTokenAuthenticator([...fromFile, ...clusterTokens]);
}

/** The leader's and each replica's sessions' lease: a vanished replica's sessions count this long. */
const LEASE_TTL_SECONDS = 10;

/** While etcd is away an informer lists again at most every 2 s (a refused call costs nothing), so it resumes soon after etcd returns. */
const INFORMER_OPTIONS = { maxBackoffMs: 2_000 };

/** The informers the node service reads; the controllers' own start with them, so a new leader's caches are warm. */
function startInformers(factory: InformerFactory): Informers {
  const informers: Informers = {
    factory,
    pods: factory.forResource<Pod>('pods'),
    nodes: factory.forResource<Node>('nodes'),
    namespaces: factory.forResource<Namespace>('namespaces'),
    services: factory.forResource<Service>('services'),
    endpoints: factory.forResource<Endpoints>('endpoints'),
    endpointSlices: factory.forResource<EndpointSlice>('endpointslices.discovery.k8s.io'),
    configMaps: factory.forResource<ConfigMap>('configmaps'),
    secrets: factory.forResource<Secret>('secrets'),
    claims: factory.forResource<PersistentVolumeClaim & KubeObject>('persistentvolumeclaims'),
    volumes: factory.forResource<PersistentVolume>('persistentvolumes'),
    serviceAccounts: factory.forResource<ServiceAccount>('serviceaccounts'),
  };
  factory.start();
  return informers;
}

interface LeaderContext {
  registry: Registry;
  informers: Informers;
  liveness: NodeReachability;
  /** The host check's wait (host-checked-reachability.ts); 0: off. */
  hostProbeAfterMs: number;
  fencing?: FencingTimes;
  disruption?: DisruptionSettings;
  clusterCA: KeyPair;
  authorizer: Authorizer;
  log: (message: string) => void;
}

/** The leader's controllers (CONTROLLERS); they end when `signal` aborts (leadership lost or shutdown). */
async function runLeaderLoops({ registry, informers, liveness, hostProbeAfterMs, fencing, disruption, clusterCA, authorizer, log }: LeaderContext, signal: AbortSignal): Promise<void> {
  const recorders = new Map<string, EventSink>();
  const events = (component: string): EventSink => {
    const recorder = recorders.get(component) ?? new EventRecorder({ registry, source: { component }, log });
    recorders.set(component, recorder);
    return recorder;
  };
  const checked = new HostCheckedReachability(liveness, {
    probeAfterMs: hostProbeAfterMs, log, probe: (address) => probeHost(address, HOST_PROBE_TIMEOUT_MS),
    nodeNames: () => informers.nodes.list().map((n) => n.metadata.name ?? ''),
    addressOf: (name) => internalIPOf(informers.nodes.get(name)),
  });
  checked.start();
  signal.addEventListener('abort', () => checked.dispose(), { once: true });
  await runControllers(CONTROLLERS, { client: registry, informers: informers.factory, clock: systemClock, events, liveness: checked, fencing, disruption, clusterCACertPem: clusterCA.certPem, clusterCA, authorizer, log }, signal);
}
