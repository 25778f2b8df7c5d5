import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readlinkSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { cutNode, downCluster, reconnectNode, startNode, stopNode, upCluster, type Cluster } from '../../../../scripts/cluster/cluster';
import { dockerClient } from '../../../../scripts/cluster/cluster-node';
import { cgroupDirs } from '../../../../scripts/cluster/cgroup-dirs';
import { shimSocketPath } from '../../../../scripts/cluster/shim-sockets';
import { inNetns, netnsPath } from '../../../../scripts/cluster/netns';
import { runCommand } from '../../../../scripts/cluster/run-command';
import { processRef, refAlive } from '../../../../scripts/cluster/process-ref';
import { PAUSE_IMAGE, TEST_IMAGE } from '../../../../scripts/cluster/test-image';
import { until } from '../../../../scripts/cluster/wait-until';
import { clusterTraces } from '../../../support/cluster-traces';

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Whether `ip` answers one ping from the namespace (the machine's own when `from` is undefined). */
async function pings(from: string | undefined, ip: string): Promise<boolean> {
  const args = ['ping', '-c', '1', '-W', '1', ip];
  const res = from ? await inNetns(from, 'busybox', args, { allowFailure: true }) : await runCommand('busybox', args, { allowFailure: true });
  return res.code === 0;
}

async function runSleeper(docker: Docker, name: string): Promise<Docker.Container> {
  const container = await docker.createContainer({ name, Image: TEST_IMAGE, Cmd: ['sleep', '3600'], HostConfig: { NetworkMode: 'none' } });
  await container.start();
  return container;
}

function netnsInodeOfPid(pid: number): number {
  return Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/net`))?.[1]);
}

function tempBase(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'pikube-it-'));
}

describe('simulated cluster: LAN, etcd and node dockerds', function () {
  this.timeout(120_000);
  let cluster: Cluster | undefined;
  const c = (): Cluster => cluster as Cluster;

  before(async function () {
    if (!isRoot()) this.skip();
    cluster = await upCluster({ baseDir: tempBase(), removeBaseDir: true, parts: { controlPlane: false } });
  });

  after(async () => {
    if (cluster) await downCluster(cluster);
  });

  it('puts the nodes and the machine on one LAN', async () => {
    const [pi1, pi2] = c().nodes;
    assert.ok(await pings(pi1.netns, pi2.ip), 'pi1 reaches pi2');
    assert.ok(await pings(pi2.netns, c().lan.hostIp), 'pi2 reaches the machine');
    assert.ok(await pings(undefined, pi1.ip), 'the machine reaches pi1');
  });

  it('gives a node no route beyond the LAN and its own docker bridge', async () => {
    const { stdout } = await inNetns(c().nodes[0].netns, 'ip', ['-4', 'route', 'show']);
    assert.doesNotMatch(stdout, /default/);
    assert.match(stdout, new RegExp(`${c().lan.subnet.replace(/\./g, '\\.')}\\.0/24 dev eth0`));
  });

  it('changes the machine by one interface holding the LAN address', async () => {
    const links = (await runCommand('ip', ['-o', 'link', 'show'])).stdout;
    const ours = links.split('\n').filter((l) => l.includes(`pks-${c().id}`));
    assert.equal(ours.length, 1, links);
    const addr = (await runCommand('ip', ['-4', '-o', 'addr', 'show', 'dev', c().lan.hostInterface])).stdout;
    assert.match(addr, new RegExp(`inet ${c().lan.hostIp}/24`));
  });

  it('serves etcd on loopback', async () => {
    const res = await fetch(`${c().etcd?.endpoint}/health`, { signal: AbortSignal.timeout(2000) });
    assert.equal(((await res.json()) as { health: string }).health, 'true');
  });

  it('runs each dockerd inside its node namespace, with the test images loaded', async () => {
    for (const node of c().nodes) {
      assert.equal(netnsInodeOfPid(node.dockerd?.pid ?? 0), statSync(netnsPath(node.netns)).ino, `${node.name} dockerd namespace`);
      const tags = (await dockerClient(node).listImages()).flatMap((i) => i.RepoTags ?? []);
      assert.ok(tags.includes(TEST_IMAGE) && tags.includes(PAUSE_IMAGE), `${node.name} images: ${tags.join(', ')}`);
    }
  });

  it("puts a node's containers under its own cgroup parent", async () => {
    const node = c().nodes[0];
    const container = await runSleeper(dockerClient(node), 'cgroup-probe');
    try {
      const dirs = cgroupDirs(path.join(node.cgroupRoot.slice(1), container.id));
      assert.ok(dirs.length > 0, `no cgroup ${node.cgroupRoot}/${container.id}`);
    } finally {
      await container.remove({ force: true });
    }
  });

  it('isolates a cut node until it is reconnected', async () => {
    const [pi1, pi2] = c().nodes;
    await cutNode(c(), pi1.name);
    assert.equal(await pings(pi2.netns, pi1.ip), false, 'pi2 still reaches a cut pi1');
    assert.equal(await pings(pi1.netns, c().lan.hostIp), false, 'a cut pi1 still reaches the machine');
    await reconnectNode(c(), pi1.name);
    await until(() => pings(pi2.netns, pi1.ip), { timeoutMs: 10_000, describe: () => 'pi2 does not reach pi1 after reconnecting' });
  });

  it("kills a stopped node's containers at once, and starts its dockerd again with its images", async () => {
    const node = c().nodes[1];
    const container = await runSleeper(dockerClient(node), 'power-probe');
    const containerProcess = processRef((await container.inspect()).State.Pid);
    await stopNode(c(), node.name);
    assert.equal(refAlive(containerProcess), false, 'container process survived the power cut');
    assert.equal(existsSync(shimSocketPath(node, container.id)), false, "the killed shim's socket is left");
    await startNode(c(), node.name);
    const tags = (await dockerClient(node).listImages()).flatMap((i) => i.RepoTags ?? []);
    assert.ok(tags.includes(TEST_IMAGE));
    await dockerClient(node).getContainer(container.id).remove({ force: true });
  });
});

describe('simulated cluster teardown', function () {
  this.timeout(120_000);

  before(function () {
    if (!isRoot()) this.skip();
  });

  it('removes processes, namespaces, the machine interface, cgroups, mounts, directories and state; twice is harmless', async () => {
    const cluster = await upCluster({ baseDir: tempBase(), removeBaseDir: true, nodes: ['pi1'], parts: { controlPlane: false } });
    const container = await runSleeper(dockerClient(cluster.nodes[0]), 'teardown-probe');
    const containerProcess = processRef((await container.inspect()).State.Pid);
    const asStarted = structuredClone(cluster);
    await downCluster(cluster);
    assert.deepEqual(await clusterTraces(asStarted), []);
    assert.equal(refAlive(containerProcess), false, 'container process survived teardown');
    await downCluster(cluster);
  });
});
