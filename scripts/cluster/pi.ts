/**
 * `npm run pi -- <action> <node>`: failures a user causes by hand on the local simulated
 * cluster (`npm start`), and undoes — the hardware-failover demo:
 *   unplug pi2    the node's LAN cable out (its switch port down, inside the simulation's
 *                 namespaces only): agent, dockerd and containers keep running, cut off
 *   plug pi2      the cable back in
 *   poweroff pi2  the power cut: agent, dockerd and every container of the node die at once
 *   poweron pi2   power back: dockerd starts with the containers exited, as a reboot leaves
 *                 them, then the agent, which reconciles them with what the API wants
 *   add pi3       one more Pi joins the running cluster
 */
import { addNode, cutNode, reconnectNode, startNode, stopNode, waitNodesReady } from './cluster';
import type { ClusterState } from './cluster-state';
import { readLocalState, requireRoot } from './local-cluster';

const ACTIONS = ['unplug', 'plug', 'poweroff', 'poweron', 'add'] as const;
type Action = (typeof ACTIONS)[number];

function say(line: string): void {
  console.log(`pikube: ${line}`);
}

function usage(): string {
  return `usage: npm run pi -- ${ACTIONS.join('|')} <node>   (e.g. npm run pi -- unplug pi2)`;
}

function requireNode(state: ClusterState, name: string): void {
  if (!state.nodes.some((n) => n.name === name)) throw new Error(`no node ${name} in the local cluster (nodes: ${state.nodes.map((n) => n.name).join(', ')})`);
}

async function act(state: ClusterState, action: Action, name: string): Promise<string> {
  if (action === 'add') return `${(await addNode(state, name, say)).name} joined and is Ready`;
  requireNode(state, name);
  switch (action) {
    case 'unplug':
      await cutNode(state, name);
      return `${name} unplugged: its containers keep running; watch kubectl get nodes,pods -o wide -w`;
    case 'plug':
      await reconnectNode(state, name);
      return `${name} plugged back in`;
    case 'poweroff':
      await stopNode(state, name);
      return `${name} powered off: agent, dockerd and containers are gone`;
    case 'poweron':
      await startNode(state, name);
      await waitNodesReady(state, 120_000, [name]);
      return `${name} powered on and Ready`;
  }
}

async function main(argv: string[]): Promise<void> {
  const [action, name, ...rest] = argv;
  if (!ACTIONS.includes(action as Action) || !name || rest.length > 0) throw new Error(usage());
  requireRoot('npm run pi');
  const state = readLocalState();
  if (!state) throw new Error('no local cluster is running: npm start first');
  say(await act(state, action as Action, name));
}

// Exit explicitly: a keep-alive socket to a node's dockerd must not keep the command from returning.
main(process.argv.slice(2)).then(() => process.exit(0), (err: unknown) => {
  console.error(`pikube: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
