/**
 * `npm start [-- --nodes N]`: brings up the local simulated cluster (N Pis, default two, on a simulated LAN) in the
 * background, runs a demo pod behind a NodePort service on it, checks the service answers on
 * every node from this machine, and prints how to use kubectl with it. Runs again
 * cleanly: it first removes leftovers of dead clusters and this checkout's previous cluster.
 */
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cleanLeftovers } from './leftovers';
import { detachCluster, downCluster, upCluster } from './cluster';
import { runKubectl } from './kubectl';
import { until } from './wait-until';
import { DEMO_MANIFEST, LOCAL_BASE, readLocalState, REPO_ROOT, requireRoot } from './local-cluster';
import type { ClusterState } from './cluster-state';

function say(line: string): void {
  console.log(`pikube: ${line}`);
}

async function removePrevious(): Promise<void> {
  for (const problem of await cleanLeftovers(say)) say(`warning: ${problem}`);
  const previous = readLocalState();
  if (!previous) return;
  say(`stopping the previous local cluster ${previous.id}`);
  await downCluster(previous);
}

/** Set once Ctrl-C arrived: the interrupt handler then owns the exit, not the failing start. */
let interrupted = false;

/** Ctrl-C while starting: remove what was made so far, then leave. */
function tearDownOnInterrupt(state: ClusterState): void {
  const handler = (signal: NodeJS.Signals): void => {
    interrupted = true;
    say(`${signal}: removing the half-started cluster`);
    downCluster(state).finally(() => process.exit(130));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

async function podPhase(kubeconfig: string, name: string): Promise<string> {
  const res = await runKubectl(kubeconfig, ['get', 'pod', name, '-o', 'jsonpath={.status.phase}'], { timeoutMs: 10_000 });
  return res.code === 0 ? res.stdout.trim() : `unknown (${res.stderr.trim()})`;
}

/** The demo's NodePort (deploy/examples/demo.yaml). */
const DEMO_NODE_PORT = 30080;

/** One GET from this machine (the LAN side); the body, or undefined when nothing answers. */
function httpBody(url: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(res.statusCode === 200 ? body : undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

async function runDemo(state: ClusterState): Promise<void> {
  say(`applying ${path.relative(REPO_ROOT, DEMO_MANIFEST)}`);
  const applied = await runKubectl(state.kubeconfig, ['apply', '-f', DEMO_MANIFEST]);
  if (applied.code !== 0) throw new Error(`kubectl apply: ${applied.stderr.trim()}`);
  let phase = '';
  await until(async () => (phase = await podPhase(state.kubeconfig, 'demo')) === 'Running', {
    timeoutMs: 120_000, intervalMs: 500, describe: () => `pod demo is ${phase}`,
  });
  for (const node of state.nodes) {
    await until(() => httpBody(`http://${node.ip}:${DEMO_NODE_PORT}/`), { timeoutMs: 30_000, intervalMs: 500, describe: () => `service demo on ${node.name}:${DEMO_NODE_PORT}` });
  }
  say(`service demo answers on port ${DEMO_NODE_PORT} of every node`);
}

/** The cluster's own commands, with what each does. */
function commands(state: ClusterState): Array<[string, string]> {
  const other = state.nodes[state.nodes.length - 1]?.name ?? 'pi2';
  return [
    ['npm run image-load -- IMAGE...', "side-load images (or 'docker save' archives) into every node"],
    [`npm run pi -- unplug ${other}`, "pull a Pi's LAN cable (its containers keep running); `plug` puts it back"],
    [`npm run pi -- poweroff ${other}`, "cut a Pi's power (agent, dockerd, containers gone); `poweron` boots it"],
    [`npm run pi -- add pi${state.nodes.length + 1}`, 'join one more Pi'],
    ['npm stop', 'remove the cluster'],
  ];
}

function printUsage(state: ClusterState): void {
  const rel = path.relative(process.cwd(), state.kubeconfig) || state.kubeconfig;
  const nodes = state.nodes.map((n) => `${n.name} (${n.ip})`).join(', ');
  const replicas = state.ha ? `\nHA: every Pi runs an etcd member and a control plane: ${state.nodes.map((n) => n.members?.apiUrl).join(', ')} (any one can be kubeconfig's server).\n` : '';
  console.log(`
pikube is running in the background: nodes ${nodes}, API ${state.controlPlane?.apiUrl}.
${replicas}
  export KUBECONFIG=$PWD/${rel}
  kubectl get nodes -o wide
  kubectl get pods -o wide
  kubectl describe pod demo
  kubectl logs demo
  kubectl exec demo -- wget -qO- http://127.0.0.1:8080/
  kubectl get svc,endpointslices
  curl http://${state.nodes[0]?.ip}:${DEMO_NODE_PORT}/          # the NodePort, from this machine
  kubectl exec demo -- nslookup demo.default.svc.cluster.local  # cluster DNS
  kubectl get pods -w

${commands(state).map(([command, what]) => `  ${command.padEnd(33)}${what}`).join('\n')}

Logs: ${path.join(LOCAL_BASE, 'logs')}/
`);
}

/** `npm start -- --nodes N [--ha]`: pi1 … piN (default 2); with --ha every Pi also runs an etcd member and a control plane. */
function startOptions(argv: string[]): { nodes: string[]; ha: boolean } {
  const { values } = parseArgs({ args: argv, options: { nodes: { type: 'string', default: '2' }, ha: { type: 'boolean', default: false } } });
  const count = Number(values.nodes);
  if (!Number.isInteger(count) || count < 1 || count > 9) throw new Error(`--nodes must be a whole number from 1 to 9, got "${values.nodes}"`);
  if (values.ha && (count < 3 || count % 2 === 0)) throw new Error(`--ha needs an odd number of nodes, at least 3 (etcd's quorum), got ${count}`);
  return { nodes: Array.from({ length: count }, (_, i) => `pi${i + 1}`), ha: values.ha === true };
}

async function main(): Promise<void> {
  const { nodes, ha } = startOptions(process.argv.slice(2));
  requireRoot('npm start');
  await removePrevious();
  const state = await upCluster({ baseDir: LOCAL_BASE, nodes, ha, log: say, onRegistered: tearDownOnInterrupt });
  say(`every node is Ready`);
  try {
    await runDemo(state);
  } finally {
    detachCluster(state);
    process.removeAllListeners('SIGINT').removeAllListeners('SIGTERM');
  }
  printUsage(state);
}

// Exit explicitly: the cluster's daemons are detached, and an idle keep-alive socket to a
// node's dockerd must not keep `npm start` from returning.
main().then(() => process.exit(0), (err: unknown) => {
  if (interrupted) return;
  console.error(`pikube: ${err instanceof Error ? err.message : String(err)}`);
  if (readLocalState()) console.error('pikube: the cluster is still running for inspection; `npm stop` removes it');
  process.exit(1);
});
