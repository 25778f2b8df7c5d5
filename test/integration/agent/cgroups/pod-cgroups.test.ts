/**
 * Pod cgroups on this machine's real cgroup tree (v1 here, v2 on a Pi): a pod cgroup with its
 * limits under a root of our own, a real container placed in it by a dockerd in a network
 * namespace (CgroupParent), and everything removed bottom-up afterwards. Nothing outside
 * `/pikube-cgtest-<random>` is touched.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Pod } from '../../../../api/core-v1';
import { nodeCgroupFiles } from '../../../../agent/cgroups/cgroup-files';
import { CGROUP_MOUNT, detectCgroupLayout, hierarchyRoots } from '../../../../agent/cgroups/cgroup-layout';
import { cpuSharesToWeight } from '../../../../agent/cgroups/cgroup-writer';
import { openPodCgroups, type PodCgroups } from '../../../../agent/cgroups/pod-cgroups';
import { checkMemoryCgroup } from '../../../../agent/cgroups/preflight';
import { DockerRuntime } from '../../../../agent/runtime/docker-runtime';
import { TEST_IMAGE } from '../../../../scripts/cluster/test-image';
import { startNodeDocker, type NodeDockerFixture } from '../node-docker-fixture';

const V2 = existsSync(path.join(CGROUP_MOUNT, 'cgroup.controllers'));

/** The control file's value for a cgroup path (v1: under the controller's hierarchy). */
function control(relPath: string, v1Controller: string, v1File: string, v2File: string): string {
  const file = V2 ? path.join(CGROUP_MOUNT, relPath, v2File) : path.join(CGROUP_MOUNT, v1Controller, relPath, v1File);
  return readFileSync(file, 'utf8').trim();
}

/** The process's cgroup path for a v1 controller (or the unified one on v2), from /proc/<pid>/cgroup. */
function cgroupOfProcess(pid: number, v1Controller: string): string {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n').map((l) => l.split(':'));
  const line = V2 ? lines.find(([id]) => id === '0') : lines.find(([, controllers]) => controllers.split(',').includes(v1Controller));
  return line?.[2] ?? '';
}

/** rmdir bottom-up, only below `dir` (a cgroup of ours). */
function removeTree(dir: string): void {
  for (const child of nodeCgroupFiles.subdirs(dir)) removeTree(path.join(dir, child));
  nodeCgroupFiles.rmdir(dir);
}

describe('pod cgroups on the real cgroup tree', function () {
  this.timeout(120_000);
  const root = `/pikube-cgtest-${randomBytes(4).toString('hex')}`;
  let cgroups: PodCgroups;
  let node: NodeDockerFixture | undefined;
  const uid = `cgtest-${randomBytes(4).toString('hex')}`;
  const pod: Pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'limited', namespace: 'default', uid },
    spec: { containers: [{ name: 'app', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '250m', memory: '64Mi' } } }] },
  };

  before(async () => {
    node = await startNodeDocker();
    const info = (await node.docker.info()) as { CgroupDriver?: string };
    cgroups = openPodCgroups({ root, dockerCgroupDriver: info.CgroupDriver });
  });

  after(async () => {
    await node?.stop();
    // Our root, the QoS parents and whatever runc made under them, in every hierarchy.
    for (const hierarchy of hierarchyRoots(detectCgroupLayout(nodeCgroupFiles))) {
      if (existsSync(path.join(hierarchy, root))) removeTree(path.join(hierarchy, root));
    }
  });

  it('finds the memory controller enabled on this machine', () => {
    assert.equal(checkMemoryCgroup().available, true);
  });

  it("creates the pod cgroup with the pod's limits", () => {
    const parent = cgroups.ensure(pod);
    assert.equal(parent, `${root}/pod${uid}`);
    assert.equal(control(parent, 'memory', 'memory.limit_in_bytes', 'memory.max'), String(64 * 1024 * 1024));
    if (V2) {
      assert.equal(control(parent, 'cpu', '', 'cpu.max'), '25000 100000');
      assert.equal(control(parent, 'cpu', '', 'cpu.weight'), String(cpuSharesToWeight(256)));
    } else {
      assert.equal(control(parent, 'cpu', 'cpu.cfs_quota_us', ''), '25000');
      assert.equal(control(parent, 'cpu', 'cpu.shares', ''), '256');
      assert.equal(control(`${root}/besteffort`, 'cpu', 'cpu.shares', ''), '2');
    }
    assert.deepEqual(cgroups.listPodCgroups(), [{ uid, qos: 'Guaranteed', path: parent }]);
  });

  it('holds a real container started with it as CgroupParent, and goes once the container is gone', async () => {
    assert.ok(node);
    const runtime = new DockerRuntime(node.docker);
    const signal = new AbortController().signal;
    const parent = cgroups.ensure(pod);
    const id = await runtime.createContainer({ name: `cgtest-${uid}`, image: TEST_IMAGE, cmd: ['sleep', '3600'], env: [], labels: {}, memoryBytes: 64 * 1024 * 1024, cgroupParent: parent }, signal);
    await runtime.startContainer(id, signal);
    const pid = (await node.docker.getContainer(id).inspect()).State.Pid;
    assert.ok(cgroupOfProcess(pid, 'memory').startsWith(`${parent}/`), `container in ${cgroupOfProcess(pid, 'memory')}`);
    assert.ok(cgroupOfProcess(pid, 'cpu').startsWith(`${parent}/`), `container in ${cgroupOfProcess(pid, 'cpu')}`);
    assert.equal(cgroups.remove(uid), false, 'removed while the container runs');
    await runtime.stopContainer(id, { signal: 'SIGKILL', timeoutSeconds: 0 }, signal);
    await runtime.removeContainer(id, signal);
    assert.equal(cgroups.remove(uid), true);
    assert.deepEqual(cgroups.listPodCgroups(), []);
    for (const controller of V2 ? [''] : ['memory', 'cpu', 'pids']) assert.ok(!existsSync(path.join(CGROUP_MOUNT, controller, parent)), `${controller}${parent} left`);
  });
});
