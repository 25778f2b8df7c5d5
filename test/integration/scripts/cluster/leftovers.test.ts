import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { downCluster, upCluster } from '../../../../scripts/cluster/cluster';
import { dockerClient } from '../../../../scripts/cluster/cluster-node';
import { cleanLeftovers, findStrays, remainingLeftovers } from '../../../../scripts/cluster/leftovers';
import { subnetClaims } from '../../../../scripts/cluster/lan-subnet';
import { listRegistry, REGISTRY_DIR } from '../../../../scripts/cluster/cluster-state';
import { createNetns, deleteNetns, listNetns } from '../../../../scripts/cluster/netns';
import { hostInterfaceExists } from '../../../../scripts/cluster/lan';
import { runCommand } from '../../../../scripts/cluster/run-command';
import { processesInNetns } from '../../../../scripts/cluster/process-search';
import { until } from '../../../../scripts/cluster/wait-until';
import { TEST_IMAGE } from '../../../../scripts/cluster/test-image';
import type { ClusterState } from '../../../../scripts/cluster/cluster-state';
import { clusterTraces } from '../../../support/cluster-traces';

const CLUSTER_JS = path.resolve(__dirname, '../../../../scripts/cluster/cluster.js');

function tempBase(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'pikube-it-'));
}

/** Starts a cluster owned by a child process, which then idles; resolves with the child and the state. */
async function clusterInChild(): Promise<{ child: ChildProcess; state: ClusterState }> {
  const script = `require(${JSON.stringify(CLUSTER_JS)})
    .upCluster({ baseDir: ${JSON.stringify(tempBase())}, removeBaseDir: true, nodes: ['pi1'], parts: { controlPlane: false } })
    .then((s) => { console.log(JSON.stringify(s)); setInterval(() => undefined, 1e9); }, (e) => { console.error(e); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`cluster child exited ${code}`)));
  });
  return { child, state: JSON.parse(firstLine) as ClusterState };
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('leftover sweep', function () {
  this.timeout(120_000);

  before(function () {
    if (process.getuid?.() !== 0) this.skip();
  });

  it('removes a cluster whose owner process was killed, with its running containers', async () => {
    const { child, state } = await clusterInChild();
    const container = await dockerClient(state.nodes[0]).createContainer({ Image: TEST_IMAGE, Cmd: ['sleep', '3600'], HostConfig: { NetworkMode: 'none' } });
    await container.start();
    await killed(child);
    assert.ok((await remainingLeftovers()).some((l) => l.includes(state.id)), 'the dead cluster is not seen as a leftover');
    assert.deepEqual(await cleanLeftovers(), []);
    assert.deepEqual(await clusterTraces(state), []);
  });

  it('leaves a cluster whose owner is alive alone', async () => {
    const cluster = await upCluster({ baseDir: tempBase(), removeBaseDir: true, nodes: ['pi1'], parts: { etcd: false } });
    try {
      await cleanLeftovers();
      assert.ok((await listNetns()).includes(cluster.nodes[0].netns));
      assert.ok(await hostInterfaceExists(cluster.lan.hostInterface));
      assert.ok(await dockerClient(cluster.nodes[0]).ping());
    } finally {
      await downCluster(cluster);
    }
  });

  it('removes stray namespaces and interfaces bearing our prefix, and nothing else', async () => {
    const other = `pikube-test-other-${process.pid}`;
    await createNetns('pks-zz0000-lan');
    await createNetns(other);
    try {
      await runCommand('ip', ['link', 'add', 'pks-zz0000-h', 'type', 'veth', 'peer', 'name', 'host', 'netns', 'pks-zz0000-lan']);
      await cleanLeftovers();
      assert.equal((await listNetns()).includes('pks-zz0000-lan'), false, 'stray namespace kept');
      assert.equal(await hostInterfaceExists('pks-zz0000-h'), false, 'stray interface kept');
      assert.ok((await listNetns()).includes(other), 'a namespace without our prefix was removed');
    } finally {
      await deleteNetns(other);
      await deleteNetns('pks-zz0000-lan');
    }
  });
  it("removes a test fixture's namespace, and what runs in it, once its test process is gone; a live one's stays", async () => {
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    const dead = `pkit-${gone.pid}-0badc0de`;
    const live = `pkit-${process.pid}-0badc0de`;
    await createNetns(dead);
    await createNetns(live);
    const sleeper = spawn('ip', ['netns', 'exec', dead, 'sleep', '60'], { stdio: 'ignore' });
    let sleeping = true;
    sleeper.once('exit', () => { sleeping = false; });
    try {
      await until(() => processesInNetns(dead).length > 0, { timeoutMs: 5000, intervalMs: 50, describe: () => 'sleep in the dead fixture namespace' });
      await cleanLeftovers();
      assert.equal((await listNetns()).includes(dead), false, 'the dead fixture namespace was kept');
      assert.ok((await listNetns()).includes(live), 'the namespace of a live test process was removed');
      await until(() => !sleeping, { timeoutMs: 5000, intervalMs: 50, describe: () => 'the process in the dead namespace still runs' });
    } finally {
      sleeper.kill('SIGKILL');
      await deleteNetns(dead);
      await deleteNetns(live);
    }
  });

  it('leaves alone the subnet claim of a cluster that registers while the sweep looks for strays', async () => {
    // Another test process registering a cluster (its registry entry, then its LAN subnet
    // claim) between the sweep's two looks: found by CI, where the sweep of one e2e shard
    // released the other's fresh claim and both clusters took 10.210.1.0/24.
    const id = 'zz0001';
    const subnet = '10.210.254';
    // The registry is read just before the other cluster's entry appears.
    const registering = (): Set<string> => {
      mkdirSync(path.join(REGISTRY_DIR, id), { recursive: true });
      writeFileSync(path.join(REGISTRY_DIR, 'subnets', subnet), id, { flag: 'wx' });
      return new Set(listRegistry().map((e) => e.id).filter((e) => e !== id));
    };
    try {
      const strays = await findStrays(registering);
      assert.deepEqual(strays.claims.filter((c) => c.id === id), [], 'a claim made after the traces were listed was taken for a stray');
      assert.equal(subnetClaims().get(subnet), id);
    } finally {
      rmSync(path.join(REGISTRY_DIR, 'subnets', subnet), { force: true });
      rmSync(path.join(REGISTRY_DIR, id), { recursive: true, force: true });
    }
  });
});
