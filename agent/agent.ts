/**
 * One agent process: the session to the control plane and the pod manager driving Docker.
 * Stopping the agent leaves every container running (STYLE.md rule 8); a restarted agent
 * re-adopts them.
 */
import os from 'node:os';
import Docker from 'dockerode';
import type { Node, Pod } from '../api/core-v1';
import type { AgentConfig } from './agent-config';
import { DEFAULT_PAUSE_IMAGE, PodManager } from './pods/pod-manager';
import { ensurePauseImage } from './runtime/busybox-image';
import { DockerRuntime } from './runtime/docker-runtime';
import { AgentSession } from './session';
import { DockerStreams } from './streams/docker-streams';
import { StreamDispatcher } from './streams/stream-dispatcher';
import { collectNodeStatus, goArch } from './stats/node-info';

export class Agent {
  private readonly lifetime = new AbortController();
  private readonly session: AgentSession;
  private readonly pods: PodManager;
  private readonly docker: Docker;
  private readonly streams: StreamDispatcher;

  constructor(private readonly config: AgentConfig, private readonly log: (message: string) => void = console.log) {
    const docker = new Docker({ socketPath: config.dockerSocket });
    this.docker = docker;
    // The session and the pod manager talk both ways: the manager's sink is wired after both exist.
    let pods: PodManager | undefined;
    this.streams = new StreamDispatcher(new DockerStreams(docker), { log: (m) => log(`[streams] ${m}`) });
    this.session = new AgentSession({
      nodeName: config.nodeName, servers: config.servers, log, signal: this.lifetime.signal,
      tls: { caCertPem: config.caPem, certPem: config.certPem, keyPem: config.keyPem },
      nodeStatus: () => this.nodeObject(docker),
      runningPodUids: () => pods?.podUids() ?? [],
      sink: { setDesired: (desired: Pod[]) => pods?.setDesired(desired) },
      streams: this.streams,
    });
    pods = new PodManager({
      runtime: new DockerRuntime(docker), reporter: this.session, nodeName: config.nodeName, hostIP: config.nodeIP,
      cgroupRoot: config.cgroupRoot, pauseImage: config.pauseImage, stateDir: config.stateDir, log: (m) => log(`[pods] ${m}`),
    });
    this.pods = pods;
  }

  /** Makes sure the pause image exists (a Pi has no registry to pull it from), then connects. */
  async start(): Promise<void> {
    const pause = this.config.pauseImage;
    const outcome = await ensurePauseImage(this.docker, pause, pause === DEFAULT_PAUSE_IMAGE).catch((err: unknown) => {
      this.log(`pause image ${pause}: ${(err as Error).message}; pods will wait for it`);
      return 'absent';
    });
    if (outcome === 'built') this.log(`built the pause image ${pause} from the static busybox`);
    if (this.lifetime.signal.aborted) return;
    this.session.start();
    this.log(`pikube agent ${this.config.nodeName}: connecting to ${this.config.servers.join(', ')}`);
  }

  /** The Node this agent registers: well-known labels plus the observed status. */
  private async nodeObject(docker: Docker): Promise<Node> {
    const status = await collectNodeStatus(docker, { nodeName: this.config.nodeName, nodeIP: this.config.nodeIP, hostname: os.hostname() }, this.lifetime.signal);
    const labels = {
      'kubernetes.io/hostname': this.config.nodeName,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': goArch(),
      'beta.kubernetes.io/os': 'linux',
      'beta.kubernetes.io/arch': goArch(),
    };
    return { apiVersion: 'v1', kind: 'Node', metadata: { name: this.config.nodeName, labels }, spec: {}, status };
  }

  async stop(): Promise<void> {
    this.lifetime.abort();
    await Promise.allSettled([this.session.dispose(), this.pods.dispose(), this.streams.dispose()]);
  }
}
