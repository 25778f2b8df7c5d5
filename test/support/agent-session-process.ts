/**
 * An agent's session (the real AgentSession: gRPC over mTLS with the node's certificate,
 * Hello, heartbeats) in a process of its own, with no pods, so a test can SIGKILL it as an
 * agent dies. The control plane is what such a test examines; a Docker-backed agent adds
 * nothing to it. The process exits when its parent goes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Node, Pod } from '../../api/core-v1';
import { AgentSession } from '../../agent/session';

export interface AgentSessionConfig {
  nodeName: string;
  server: string;
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

export interface AgentSessionProcess {
  pid: number;
  /** SIGKILL, as a crash or a power cut; resolves once it has exited. */
  kill(): Promise<void>;
}

export function startAgentSessionProcess(config: AgentSessionConfig): AgentSessionProcess {
  const child: ChildProcess = fork(__filename, [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid ?? 0,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The Node a Pi reports in its Hello. */
export function anAgentNode(name: string): Node {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'arm64' } },
    spec: {},
    status: {
      capacity: { cpu: '4', memory: '4015424Ki', pods: '110' }, allocatable: { cpu: '4', memory: '3913024Ki', pods: '110' },
      addresses: [{ type: 'InternalIP', address: '192.168.1.21' }, { type: 'Hostname', address: name }],
    },
  };
}

function main(config: AgentSessionConfig): void {
  const session = new AgentSession({
    nodeName: config.nodeName, servers: [config.server],
    tls: { caCertPem: config.caCertPem, certPem: config.certPem, keyPem: config.keyPem },
    nodeStatus: () => anAgentNode(config.nodeName), runningPodUids: () => [],
    sink: { setDesired: (_pods: Pod[]) => undefined }, backoff: { initialDelayMs: 100, maxDelayMs: 1_000 },
    log: (message) => { if (process.env.PIKUBE_TEST_AGENT_LOG) console.log(`agent ${config.nodeName}: ${message}`); },
  });
  session.start();
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module) main(JSON.parse(process.argv[2] ?? '{}') as AgentSessionConfig);
