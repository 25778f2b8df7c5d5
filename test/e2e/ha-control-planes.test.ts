/**
 * Issue 12, test 6: HA on three simulated Pis, each running an etcd member (one 3-member etcd
 * cluster), a control-plane replica and an agent (`npm start -- --nodes 3 --ha`). The node of
 * the leading replica is powered off (its etcd member, control plane, agent and containers die
 * at once): another replica leads within seconds, the agents that were connected to the dead
 * replica reconnect to another, and a Deployment scaled afterwards converges. kubectl talks to
 * a surviving replica (`--server`): kubeconfig's server may be any of them. Timing is noisy
 * (two cores shared with other test runs).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { logMessages } from '../support/log-messages';
import type { NodeState } from '../../scripts/cluster/cluster-state';
import { stopNode } from '../../scripts/cluster/cluster';
import { controlPlaneLogOf } from '../../scripts/cluster/ha-members';
import { until } from '../../scripts/cluster/wait-until';
import { withTestCluster, type TestCluster } from '../support/cluster-fixture';
import { HOSTNAME_WEB_POD_SPEC } from '../support/hostname-web';

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: { app: ha }
  template:
    metadata:
      labels: { app: ha }
${HOSTNAME_WEB_POD_SPEC}`;

const LEADS = /is now the leader/;
const sessionOf = (node: string): RegExp => new RegExp(`node "${node}" .*session established`);

describe('HA: the leading control plane\'s Pi dies', function () {
  this.timeout(300_000);
  let tc: TestCluster;

  const logOf = (node: NodeState): string[] => {
    try {
      return logMessages(readFileSync(controlPlaneLogOf(tc.cluster.logDir, node), 'utf8'));
    } catch {
      return [];
    }
  };
  const count = (node: NodeState, pattern: RegExp): number => logOf(node).filter((l) => pattern.test(l)).length;

  /** kubectl against one replica's API, whatever kubeconfig names. */
  async function kubectlOn(node: NodeState, args: string[]): Promise<string> {
    const res = await tc.kubectl([`--server=${node.members?.apiUrl ?? ''}`, ...args], { timeoutMs: 15_000 });
    if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${res.stderr.trim()}`);
    return res.stdout;
  }

  withTestCluster({ nodes: ['pi1', 'pi2', 'pi3'], ha: true }, async (up) => void (tc = up));

  it('elects a new leader within seconds, moves the dead replica\'s agents to another, and a scaled Deployment converges', async () => {
    const nodes = tc.nodes;
    await until(() => nodes.filter((n) => count(n, LEADS) > 0).length === 1, { timeoutMs: 30_000, describe: () => 'no replica leads' });
    const leader = nodes.find((n) => count(n, LEADS) > 0);
    assert.ok(leader);
    const survivors = nodes.filter((n) => n !== leader);
    await applyVia(survivors[0], MANIFEST);
    await until(async () => (await kubectlOn(survivors[0], ['get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}'])).trim() === '2',
      { timeoutMs: 120_000, intervalMs: 1000, describe: async () => kubectlOn(survivors[0], ['get', 'pods', '-o', 'wide']).catch(String) });
    // The agents (besides the leader's own) whose session the leading replica holds now.
    const heldByLeader = survivors.filter((n) => lastHolder(n.name) === leader);
    assert.ok(heldByLeader.length > 0, 'the leading replica holds another node\'s session (agents dial the first configured server first)');
    const sessionsBefore = new Map(survivors.map((s) => [s, new Map(survivors.map((a) => [a.name, count(s, sessionOf(a.name))]))]));

    const t0 = Date.now();
    await stopNode(tc.cluster, leader.name);
    let newLeader: NodeState | undefined;
    const reconnected = (agent: NodeState): boolean => survivors.some((s) => count(s, sessionOf(agent.name)) > (sessionsBefore.get(s)?.get(agent.name) ?? 0));
    // Both watched at once (log files polled every 100 ms): the reconnects do not wait for the election.
    const [leaderChangeMs, reconnectMs] = await Promise.all([
      until(() => (newLeader = survivors.find((n) => count(n, LEADS) > 0)) !== undefined, { timeoutMs: 30_000, intervalMs: 100, describe: () => 'no surviving replica leads' }).then(() => Date.now() - t0),
      until(() => heldByLeader.every(reconnected), { timeoutMs: 20_000, intervalMs: 100, describe: () => `not reconnected: ${heldByLeader.filter((a) => !reconnected(a)).map((a) => a.name).join(', ')}` }).then(() => Date.now() - t0),
    ]);

    await kubectlOn(survivors[0], ['scale', 'deployment', 'web', '--replicas=4']);
    await until(async () => (await kubectlOn(survivors[1], ['get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}/{.status.updatedReplicas}'])).trim() === '4/4',
      { timeoutMs: 90_000, intervalMs: 1000, describe: async () => kubectlOn(survivors[1], ['get', 'pods', '-o', 'wide']).catch(String) });
    const convergedMs = Date.now() - t0;
    for (const s of survivors) assert.equal(await readyOf(s), 'True', `${s.name} stayed Ready`);
    // The kubernetes Service's endpoints: the dead replica's address leaves with its lease (the lease endpoint reconciler).
    let apiEndpoints = '';
    await until(async () => (apiEndpoints = (await kubectlOn(survivors[0], ['get', 'endpoints', 'kubernetes', '-o', 'jsonpath={.subsets[0].addresses[*].ip}'])).trim())
      === survivors.map((s) => s.ip).sort().join(' '), { timeoutMs: 30_000, intervalMs: 500, describe: () => `kubernetes endpoints: ${apiEndpoints}` });
    console.log(`      powered off ${leader.name} (leader): ${newLeader?.name} leads after ${(leaderChangeMs / 1000).toFixed(1)} s (lease TTL 10 s), `
      + `${heldByLeader.length} agent(s) it held [${heldByLeader.map((a) => a.name).join(', ')}] reconnected elsewhere by ${(reconnectMs / 1000).toFixed(1)} s, `
      + `the scale to 4 Ready after ${(convergedMs / 1000).toFixed(1)} s (noisy: shared machine)`);

    /** The replica whose log last shows the agent's session established. */
    function lastHolder(agent: string): NodeState | undefined {
      let best: { node: NodeState; n: number } | undefined;
      for (const n of nodes) {
        const c = count(n, sessionOf(agent));
        if (c > 0 && (!best || c > best.n)) best = { node: n, n: c };
      }
      return best?.node;
    }
    async function readyOf(node: NodeState): Promise<string> {
      return (await kubectlOn(survivors[0], ['get', 'node', node.name, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])).trim();
    }
  });

  async function applyVia(node: NodeState, manifest: string): Promise<void> {
    const res = await tc.kubectl([`--server=${node.members?.apiUrl ?? ''}`, 'apply', '-f', '-'], { input: manifest, timeoutMs: 15_000 });
    if (res.code !== 0) throw new Error(`kubectl apply: ${res.stderr.trim()}`);
  }
});
