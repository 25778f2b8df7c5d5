/**
 * A simulated cluster for e2e tests: its own temp dir, cluster id, namespaces and LAN subnet,
 * so it coexists with a cluster from `npm start` and with other test runs. Its owner is the
 * test process: if that dies, the next run's leftover sweep removes the cluster.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { addNode, downCluster, upCluster, type Cluster, type ClusterParts } from '../../scripts/cluster/cluster';
import { cleanLeftovers } from '../../scripts/cluster/leftovers';
import { runKubectl, type KubectlOptions } from '../../scripts/cluster/kubectl';
import { dockerClient } from '../../scripts/cluster/cluster-node';
import type { CommandResult } from '../../scripts/cluster/run-command';
import type { NodeState } from '../../scripts/cluster/cluster-state';

export interface TestCluster {
  cluster: Cluster;
  kubeconfig: string;
  nodes: NodeState[];
  apiUrl: string;
  /** /usr/bin/kubectl with this cluster's kubeconfig; bounded by a request timeout and a deadline. */
  kubectl(args: string[], opts?: KubectlOptions): Promise<CommandResult>;
  /** The node's own dockerd. */
  docker(node: string): Docker;
  /** Plugs a new node into the running cluster and waits until it is Ready (it joins `nodes`). */
  addNode(name: string): Promise<NodeState>;
  down(): Promise<void>;
}

export interface TestClusterOptions {
  nodes?: string[];
  parts?: ClusterParts;
  /** Every node runs an etcd member and a control plane too (ClusterOptions.ha). */
  ha?: boolean;
}

/** Fails with a clear message instead of a permission error deep in `ip netns add`. */
export function requireRootForClusters(): void {
  if (process.getuid?.() !== 0) throw new Error('simulated clusters need root (network namespaces, veths, dockerd)');
}

export async function startTestCluster(opts: TestClusterOptions = {}): Promise<TestCluster> {
  requireRootForClusters();
  await cleanLeftovers();
  const baseDir = mkdtempSync(path.join(os.tmpdir(), 'pikube-test-'));
  const cluster = await upCluster({ baseDir, removeBaseDir: true, nodes: opts.nodes, parts: opts.parts, ha: opts.ha });
  const nodeNamed = (name: string): NodeState => {
    const node = cluster.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  };
  return {
    cluster,
    kubeconfig: cluster.kubeconfig,
    nodes: cluster.nodes,
    apiUrl: cluster.controlPlane?.apiUrl ?? '',
    kubectl: (args, kopts) => runKubectl(cluster.kubeconfig, args, kopts),
    docker: (name) => dockerClient(nodeNamed(name)),
    addNode: (name) => addNode(cluster, name),
    down: () => downCluster(cluster),
  };
}

/**
 * Registers mocha `before`/`after` hooks that bring one simulated cluster up for the enclosing
 * describe and down at its end. `seed` (what every test of the suite needs: images tagged,
 * manifests applied) runs in the same hook once the cluster is up; both share its 5 minutes.
 */
export function withTestCluster(opts: TestClusterOptions = {}, seed?: (tc: TestCluster) => Promise<void>): { get(): TestCluster } {
  let tc: TestCluster | undefined;
  before(async function () {
    this.timeout(300_000);
    tc = await startTestCluster(opts);
    await seed?.(tc);
  });
  after(async function () {
    this.timeout(120_000);
    if (!tc) return;
    // PIKUBE_TEST_LOGS=DIR keeps each cluster's logs (control plane, agents, dockerds) for a post-mortem.
    const keep = process.env.PIKUBE_TEST_LOGS;
    if (keep) cpSync(tc.cluster.logDir, path.join(keep, `${path.basename(this.test?.file ?? 'cluster', '.test.js')}-${Date.now()}`), { recursive: true });
    await tc.down();
  });
  return {
    get(): TestCluster {
      if (!tc) throw new Error('test cluster used outside a test (before() has not run)');
      return tc;
    },
  };
}
