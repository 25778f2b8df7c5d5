/**
 * The real kubectl (/usr/bin/kubectl) against a simulated cluster. Every call is bounded twice:
 * by kubectl's own `--request-timeout` and by a deadline on the process.
 */
import { runCommand, type CommandResult } from './run-command';

export const KUBECTL = '/usr/bin/kubectl';

/** The older and newer kubectl users have, installed beside /usr/bin/kubectl (the Cloud SDK's `kubectl.1.NN`). */
export function kubectlVersion(minor: '1.27' | '1.30' | '1.32' | '1.33'): string {
  return `/usr/lib/google-cloud-sdk/bin/kubectl.${minor}`;
}

export interface KubectlOptions {
  input?: string;
  timeoutMs?: number;
  /** Another kubectl binary (kubectlVersion). */
  binary?: string;
}

export function runKubectl(kubeconfig: string, args: string[], opts: KubectlOptions = {}): Promise<CommandResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const requestTimeout = `--request-timeout=${Math.max(1, Math.floor(timeoutMs / 1000) - 1)}s`;
  const argv = ['--kubeconfig', kubeconfig, requestTimeout, ...args];
  return runCommand(opts.binary ?? KUBECTL, argv, { allowFailure: true, input: opts.input, timeoutMs });
}

interface NodeList {
  items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
}

/** Names of the nodes whose Ready condition is True. */
export async function readyNodes(kubeconfig: string): Promise<string[]> {
  const res = await runKubectl(kubeconfig, ['get', 'nodes', '-o', 'json'], { timeoutMs: 10_000 });
  if (res.code !== 0) throw new Error(`kubectl get nodes: ${res.stderr.trim()}`);
  const list = JSON.parse(res.stdout) as NodeList;
  const ready = (n: NodeList['items'][number]): boolean => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  return list.items.filter(ready).map((n) => n.metadata.name);
}
