/**
 * One agent process: the session to the control plane and the pod manager driving Docker.
 * Stopping the agent leaves every container running (STYLE.md rule 8); a restarted agent
 * re-adopts them.
 */
import path from 'node:path';
import Docker from 'dockerode';
import type { Node, NodeCondition, NodeStatus, Pod } from '../api/core-v1';
import type { AgentConfig } from './agent-config';
import { UnsupportedCgroupDriverError } from './cgroups/cgroup-layout';
import { openPodCgroups } from './cgroups/open-pod-cgroups';
import type { PodCgroups } from './cgroups/pod-cgroups';
import { checkMemoryCgroup } from './cgroups/preflight';
import { ConfigObjects } from './config-objects';
import { StorageObjects } from './storage-objects';
import { ServiceAccountTokens, type FetchedToken, type TokenAsk } from './volumes/service-account-tokens';
import { ENDPOINT_SLICES, SERVICES } from './feed/feed-kinds';
import { localCommandRunner } from './network/command-runner';
import { detectBackend } from './network/iptables-backend';
import { dockerBridgeNetworks } from './network/pod-bridge';
import { peerNodesConsumer } from './network/peer-nodes';
import { PodNetwork } from './network/pod-network';
import { DEFAULT_PAUSE_IMAGE, PodManager } from './pods/pod-manager';
import { ensurePauseImage } from './runtime/busybox-image';
import { DockerRuntime } from './runtime/docker-runtime';
import { effectiveResolvConf, hostNameservers } from './dns/host-resolv-conf';
import { ServiceNetworking } from './service-networking';
import { AgentSession } from './session';
import { effectiveFencingPeriodMs } from './fencing/fencing-plan';
import { FencingWatchdog } from './fencing/fencing-watchdog';
import { systemClock } from '../base/clock';
import { DockerStreams } from './streams/docker-streams';
import { StreamDispatcher } from './streams/stream-dispatcher';
import { collectNodeStatus, goArch } from './stats/node-info';
import { RuntimeHealth } from './stats/runtime-health';
import { nodeReadyCondition } from './stats/ready-condition';
import { networkError } from './network/network-readiness';
import { BridgeDns } from './dns/bridge-dns';
import { ContainerUsageSource } from './stats/container-usage-source';
import { readNodeUsage } from './stats/node-usage';
import { UsageReporter } from './stats/usage-reporter';
import { nodeCgroupFiles } from './cgroups/cgroup-files';
import { detectCgroupLayout } from './cgroups/cgroup-layout';
import { LOCAL_PATH_DIR_ANNOTATION, localPathDir } from '../api/local-path';
import { withTimeout } from '../api/abort-timeout';
import { EvictionManager } from './eviction/eviction-manager';
import { DockerPodUsage } from './eviction/docker-pod-usage';
import { observeSignals } from './eviction/node-signals';

/**
 * Docker is pinged this often, each ping bounded; three failures in a row make the node not Ready
 * (runtime-readiness.ts): a dockerd that is gone within about 3 s, a frozen one within about 18 s,
 * and a ping slowed by a loaded machine (seconds) does not count.
 */
const RUNTIME_PING_INTERVAL_MS = 1000;
const RUNTIME_PING_TIMEOUT_MS = 5000;
/** A Hello waits this long for the node's measurements before sending the last ones. */
const NODE_STATUS_TIMEOUT_MS = 5000;

export class Agent {
  private readonly lifetime = new AbortController();
  private readonly session: AgentSession;
  private readonly docker: Docker;
  /** Logs and exec streams the control plane asks for (agent/streams). */
  private readonly streams: StreamDispatcher;
  private pods?: PodManager;
  /** The ConfigMaps and Secrets of the node's pods, from the object feed; a change wakes the pods using it. */
  private readonly configObjects = new ConfigObjects((change) => this.pods?.configChanged(change));
  private readonly storageObjects: StorageObjects;
  /** Tokens of the pods' `serviceAccountToken` projections, asked of the control plane and renewed at 80 % of their life. */
  private readonly tokens: ServiceAccountTokens;
  /** The node's pod bridge, routes to the other nodes' pods and their iptables rules. */
  private readonly network: PodNetwork;
  /** Services: the node's iptables rules and its cluster DNS. */
  private readonly serviceNetworking: ServiceNetworking;
  /** Cluster DNS on the pod bridge's address, retried while it cannot bind. */
  private readonly dns: BridgeDns;
  /** The network error last reported in the Ready condition (undefined: none). */
  private reportedNetworkError?: string;
  /** Stops the pods that must not run twice when no control plane is in reach (agent/fencing). */
  private readonly fencing: FencingWatchdog;
  /** Preflight: whether memory limits hold here; reported as a node condition, never pretended. */
  private readonly memoryCgroup: NodeCondition;
  /** Docker answering or not: the node's own Ready condition (the not-ready taint follows on the control plane). */
  private readonly runtimeHealth: RuntimeHealth;
  /** Node-pressure eviction: the MemoryPressure and DiskPressure conditions, and the pod the pod manager evicts. */
  private readonly eviction: EvictionManager;
  /** The node's status as last measured: a Hello or a readiness change while Docker does not answer sends this. */
  private lastStatus?: NodeStatus;

  constructor(private readonly config: AgentConfig, private readonly log: (message: string) => void = console.log) {
    this.docker = new Docker({ socketPath: config.dockerSocket });
    this.storageObjects = new StorageObjects(localPathDir(config.stateDir), () => this.pods?.storageChanged(), (m) => log(`[storage] ${m}`));
    this.tokens = new ServiceAccountTokens((ask, signal) => this.fetchToken(ask, signal), {
      clock: systemClock, onRenewDue: (uid) => this.pods?.tokenDue(uid), log: (m) => log(`[tokens] ${m}`),
    });
    this.streams = new StreamDispatcher(new DockerStreams(this.docker), { log: (m) => log(`[streams] ${m}`) });
    const check = checkMemoryCgroup();
    this.memoryCgroup = check.condition;
    if (!check.available) log(`WARNING: ${check.condition.message}${check.fix ? `; to fix: ${check.fix}` : ''}`);
    this.serviceNetworking = new ServiceNetworking({
      nodeName: config.nodeName, clusterCIDR: config.clusterCIDR, clusterDomain: config.clusterDomain, upstreams: hostNameservers(config.resolvConf),
      run: localCommandRunner, driftCheckMs: config.iptablesSyncPeriodMs, log: (m) => log(`[services] ${m}`),
      snapshotFile: path.join(config.stateDir, 'services.json'),
    });
    this.network = new PodNetwork({
      nodeName: config.nodeName, clusterCIDR: config.clusterCIDR, run: localCommandRunner,
      networks: dockerBridgeNetworks(this.docker), log: (m) => log(`[network] ${m}`), sandboxAttachment: config.sandboxNetwork,
      onReady: (gateway) => void this.dns.serve(gateway),
      onReadinessChange: () => this.networkChanged(),
    });
    this.dns = new BridgeDns({
      serve: (address) => this.serviceNetworking.serveDns(address), clock: systemClock, signal: this.lifetime.signal,
      onChange: () => this.networkChanged(), log: (m) => log(`[services] ${m}`),
    });
    this.reportedNetworkError = this.networkError();
    this.session = new AgentSession({
      nodeName: config.nodeName, servers: config.servers, log, signal: this.lifetime.signal,
      tls: { caCertPem: config.caPem, certPem: config.certPem, keyPem: config.keyPem },
      nodeStatus: () => this.nodeObject(),
      runningPodUids: () => this.pods?.podUids() ?? [],
      // The session only connects once the pod manager exists (start()).
      sink: {
        setDesired: (desired: Pod[]) => {
          this.serviceNetworking.hostPorts.seed(desired);
          this.pods?.setDesired(desired);
        },
      },
      streams: this.streams,
      onWelcome: (node, serviceCIDR) => this.network.onWelcome(node, serviceCIDR),
      onConfirmed: () => this.fencing.confirmed(),
      // The object feed's kinds besides the pods, each to its consumer (one entry a kind).
      consumers: [
        { name: 'services', kinds: [SERVICES, ENDPOINT_SLICES], apply: (batch) => this.serviceNetworking.onServices(batch) },
        peerNodesConsumer((peers) => this.network.onPeers(peers)),
        this.configObjects.consumer(),
        this.storageObjects.consumer(),
      ],
    });
    this.runtimeHealth = new RuntimeHealth({
      // dockerode's ping takes an abortSignal in its options; its typings do not say so.
      runtime: { ping: async (signal) => void (await (this.docker as unknown as { ping(o: object): Promise<unknown> }).ping({ abortSignal: signal })) },
      clock: systemClock, intervalMs: RUNTIME_PING_INTERVAL_MS, timeoutMs: RUNTIME_PING_TIMEOUT_MS,
      onChange: () => this.reportReadiness(), log: (m) => log(`[runtime] ${m}`),
    });
    this.eviction = new EvictionManager({
      thresholds: config.evictionHard, transitionPeriodMs: config.evictionPressureTransitionPeriodMs, clock: systemClock,
      observe: () => observeSignals({ nodefs: config.stateDir, imagefs: async () => ((await this.docker.info()) as { DockerRootDir?: string }).DockerRootDir }),
      usage: new DockerPodUsage(this.docker, (pod, signal) => this.pods?.emptyDirDiskBytes(pod, signal) ?? Promise.resolve(0)),
      onConditionsChange: () => this.reportReadiness(), log: (m) => log(`[eviction] ${m}`),
    });
    this.fencing = new FencingWatchdog({
      clock: systemClock, log: (m) => log(`[fencing] ${m}`),
      lastContactMs: () => this.session.lastContactMs,
      periodMs: () => effectiveFencingPeriodMs(config.fencingPeriodMs, this.session.fencingPeriodMs),
      target: { fence: (reason) => this.pods?.fence(reason), unfence: () => this.pods?.unfence() },
    });
  }

  /**
   * Makes sure the pause image exists (a Pi has no registry to pull it from), opens the pod
   * cgroups for Docker's cgroup driver, then connects.
   */
  async start(): Promise<void> {
    await this.ensurePauseImage();
    await this.startServiceProxy();
    // A bridge an earlier run left keeps the node's network ready from the first Hello (pod-network.ts), DNS included.
    const gateway = await this.network.existingGateway();
    if (gateway) await this.dns.serve(gateway);
    const podCgroups = await this.openPodCgroups();
    const runtime = new DockerRuntime(this.docker);
    this.pods = new PodManager({
      runtime, reporter: this.session, nodeName: this.config.nodeName, hostIP: this.config.nodeIP,
      cgroupRoot: this.config.cgroupRoot, pauseImage: this.config.pauseImage, stateDir: this.config.stateDir, podCgroups, network: this.network,
      hostPorts: this.serviceNetworking.hostPorts,
      dns: { clusterDomain: this.config.clusterDomain, nameserver: () => this.network.gateway(), hostResolvConf: effectiveResolvConf(this.config.resolvConf) },
      services: { list: (namespace) => this.serviceNetworking.services.servicesIn(namespace) },
      config: this.configObjects, storage: this.storageObjects, tokens: this.tokens, nodeAllocatable: () => this.session.node?.status?.allocatable ?? {},
      nodePressure: this.eviction,
      log: (m) => this.log(`[pods] ${m}`),
    });
    if (this.lifetime.signal.aborted) return;
    this.fencing.start(this.lifetime.signal);
    void this.runtimeHealth.run(this.lifetime.signal);
    void this.usageReporter(runtime).run(this.lifetime.signal);
    this.session.start();
    this.log(`pikube agent ${this.config.nodeName}: connecting to ${this.config.servers.join(', ')}`);
  }

  /** A renewed node certificate: presented from the next connection to a control plane on. */
  useNodeCredentials(creds: { caPem: string; certPem: string; keyPem: string }): void {
    this.session.useTls({ caCertPem: creds.caPem, certPem: creds.certPem, keyPem: creds.keyPem });
  }

  /** The node's and its containers' usage, reported over the session (served as metrics.k8s.io). */
  private usageReporter(runtime: DockerRuntime): UsageReporter {
    let containers: ContainerUsageSource | undefined;
    return new UsageReporter({
      clock: systemClock, node: readNodeUsage,
      // The layout is read at the first sample: a host without cgroups gets a logged failure, not an agent that will not start.
      containers: (signal) => (containers ??= new ContainerUsageSource({ runtime, files: nodeCgroupFiles, layout: detectCgroupLayout(nodeCgroupFiles) })).sample(signal),
      send: (report) => this.session.reportUsage(report), log: (m) => this.log(`[usage] ${m}`),
    });
  }

  private async fetchToken(ask: TokenAsk, signal: AbortSignal): Promise<FetchedToken> {
    const response = await this.session.requestToken({
      pod: { namespace: ask.namespace, name: ask.name, uid: ask.uid }, service_account_name: ask.serviceAccountName,
      audience: ask.audience, expiration_seconds: ask.expirationSeconds,
    }, signal);
    return { token: response.token, expiresAtMs: response.expiration_unix_ms };
  }

  /** Our rules go in the iptables backend that holds Docker's chains. */
  private async startServiceProxy(): Promise<void> {
    const backend = await detectBackend(localCommandRunner);
    this.serviceNetworking.startProxy(backend);
    this.log(`service proxy: iptables backend ${backend.name}, drift checks every ${this.config.iptablesSyncPeriodMs} ms`);
  }

  /**
   * Pod-level QoS cgroups, as directories (Docker's cgroupfs driver) or systemd slices (its
   * systemd driver, the default on cgroup v2). Where neither can be driven (systemd not on
   * D-Bus, an unknown driver) the node still runs pods with every container's own limits, but
   * without pod cgroups: said at start, with the daemon.json line that fixes it.
   */
  private async openPodCgroups(): Promise<PodCgroups | undefined> {
    const info = (await this.docker.info()) as { CgroupDriver?: string };
    try {
      const cgroups = await openPodCgroups({ root: this.config.cgroupRoot, dockerCgroupDriver: info.CgroupDriver });
      this.log(`pod cgroups under ${this.config.cgroupRoot}, through Docker's ${info.CgroupDriver ?? 'cgroupfs'} cgroup driver`);
      return cgroups;
    } catch (err) {
      if (!(err instanceof UnsupportedCgroupDriverError)) throw err;
      this.log(`WARNING: no pod-level QoS cgroups (container limits still apply): ${err.message}`);
      return undefined;
    }
  }

  private async ensurePauseImage(): Promise<void> {
    const pause = this.config.pauseImage;
    const outcome = await ensurePauseImage(this.docker, pause, pause === DEFAULT_PAUSE_IMAGE).catch((err: unknown) => {
      this.log(`pause image ${pause}: ${(err as Error).message}; pods will wait for it`);
      return 'absent';
    });
    if (outcome === 'built') this.log(`built the pause image ${pause} from the static busybox`);
  }

  /** The status measured now, or (Docker not answering) as last measured; the conditions as they are now. */
  private async currentStatus(): Promise<NodeStatus> {
    const signal = withTimeout(this.lifetime.signal, NODE_STATUS_TIMEOUT_MS);
    const opts = { nodeName: this.config.nodeName, nodeIP: this.config.nodeIP, evictionHard: this.config.evictionHard };
    const measured = await collectNodeStatus(this.docker, opts, signal).catch((err: unknown) => {
      if (!this.lastStatus) throw err;
      this.log(`node status not measured (${(err as Error).message}): sending the last one`);
      return undefined;
    });
    if (measured) this.lastStatus = measured;
    return this.withConditions(measured ?? this.lastStatus ?? {});
  }

  private withConditions(status: NodeStatus): NodeStatus {
    const pressure = this.eviction.conditions();
    const ours = new Set(['Ready', this.memoryCgroup.type, ...pressure.map((c) => c.type)]);
    const measured = (status.conditions ?? []).filter((c) => !ours.has(c.type));
    const ready = nodeReadyCondition([this.runtimeHealth.error(), this.networkError()]);
    return { ...status, conditions: [...measured, this.memoryCgroup, ...pressure, ready] };
  }

  /** Why pods could not get a working network here now (the node is not Ready meanwhile); undefined when they can. */
  private networkError(): string | undefined {
    return networkError({ podNetwork: this.network.readinessProblem(), dns: this.dns.problem() });
  }

  /** The pod network or DNS changed: the Ready condition is reported when its network part changed. */
  private networkChanged(): void {
    const error = this.networkError();
    if (error === this.reportedNetworkError) return;
    this.reportedNetworkError = error;
    this.log(error === undefined ? 'network ready (bridge, rules, routes, DNS): the node may be Ready' : `node not Ready: ${error}`);
    this.reportReadiness();
  }

  /** Docker stopped or started answering, the network became ready or not, or the node's pressure changed: the control plane hears it at once (a Hello carries it anyway). */
  private reportReadiness(): void {
    if (this.lastStatus) this.session.reportNodeStatus(this.withConditions(this.lastStatus));
  }

  /** The Node this agent registers: well-known labels plus the observed status. */
  private async nodeObject(): Promise<Node> {
    const status = await this.currentStatus();
    const labels = {
      'kubernetes.io/hostname': this.config.nodeName,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': goArch(),
      'beta.kubernetes.io/os': 'linux',
      'beta.kubernetes.io/arch': goArch(),
    };
    // Where the local-path provisioner puts this node's volumes (control-plane/storage/local-path-volume.ts).
    const annotations = { [LOCAL_PATH_DIR_ANNOTATION]: localPathDir(this.config.stateDir) };
    return { apiVersion: 'v1', kind: 'Node', metadata: { name: this.config.nodeName, labels, annotations }, spec: {}, status };
  }

  async stop(): Promise<void> {
    this.lifetime.abort();
    this.network.dispose();
    this.tokens.dispose();
    await Promise.allSettled([this.session.dispose(), this.pods?.dispose(), this.streams.dispose(), this.serviceNetworking.dispose()]);
  }
}
