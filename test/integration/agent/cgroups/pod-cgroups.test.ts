/**
 * Pod cgroups on this machine's real cgroup tree (v1 here, v2 in the VM tier and on a Pi),
 * under each of Docker's cgroup drivers: a pod cgroup with its limits under a root of our own
 * (directories under cgroupfs, transient slices under systemd), a real container placed in it
 * by a dockerd in a network namespace (CgroupParent), and everything removed afterwards.
 * Nothing outside `/pikube-cgtest-<random>` (or its slice) is touched. The systemd driver
 * needs systemd as PID 1: skipped where it is not (this machine), run by `npm run test:vm`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Pod } from '../../../../api/core-v1';
import { CGROUP_MOUNT } from '../../../../agent/cgroups/cgroup-layout';
import { cpuSharesToWeight } from '../../../../agent/cgroups/cgroup-writer';
import { openPodCgroups } from '../../../../agent/cgroups/open-pod-cgroups';
import type { PodCgroups } from '../../../../agent/cgroups/pod-cgroups';
import { checkMemoryCgroup } from '../../../../agent/cgroups/preflight';
import { sliceCgroupPath, sliceNameOf } from '../../../../agent/cgroups/systemd-slice';
import { DockerRuntime } from '../../../../agent/runtime/docker-runtime';
import { cgroupDirName, removeCgroup } from '../../../../scripts/cluster/cgroup-dirs';
import type { DockerCgroupDriver } from '../../../../scripts/cluster/docker-cgroup-driver';
import { TEST_IMAGE } from '../../../../scripts/cluster/test-image';
import { startNodeDocker, systemdDriverAvailable, type NodeDockerFixture } from '../node-docker-fixture';

const V2 = existsSync(path.join(CGROUP_MOUNT, 'cgroup.controllers'));
/** The kernel was booted without the memory controller (the VM tier boots one that way). */
const MEMORY_DISABLED = /(^|\s)cgroup_disable=(\S*,)?memory(,|\s|$)/.test(readFileSync('/proc/cmdline', 'utf8'));

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

for (const driver of ['cgroupfs', 'systemd'] as DockerCgroupDriver[]) {
  describe(`pod cgroups on the real cgroup tree, Docker's ${driver} driver`, function () {
    this.timeout(120_000);
    const root = `/pikube-cgtest-${randomBytes(4).toString('hex')}`;
    /** A CgroupParent as the cgroup path it makes. */
    const cgroupPath = (parent: string): string => (driver === 'systemd' ? sliceCgroupPath(parent) : parent);
    let cgroups: PodCgroups;
    let node: NodeDockerFixture | undefined;
    const uid = `cgtest-${randomBytes(4).toString('hex')}`;
    const pod: Pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'limited', namespace: 'default', uid },
      spec: { containers: [{ name: 'app', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '250m', memory: '64Mi' } } }] },
    };

    before(async function () {
      if (driver === 'systemd' && !(await systemdDriverAvailable())) return this.skip();
      if (MEMORY_DISABLED) return; // only the preflight has something to say then
      node = await startNodeDocker({ cgroupDriver: driver });
      const info = (await node.docker.info()) as { CgroupDriver?: string };
      assert.equal(info.CgroupDriver, driver);
      cgroups = await openPodCgroups({ root, dockerCgroupDriver: info.CgroupDriver });
    });

    after(async () => {
      if (!node) return;
      await node.stop();
      // Our root, the QoS parents and whatever runc made under them, in every hierarchy (a slice is stopped).
      await removeCgroup(cgroupDirName(root, driver));
    });

    it('reports the memory controller as the kernel has it (off with cgroup_disable=memory, as on Raspberry Pi OS)', () => {
      const check = checkMemoryCgroup();
      assert.equal(check.available, !MEMORY_DISABLED);
      assert.equal(check.condition.status, MEMORY_DISABLED ? 'False' : 'True');
      if (MEMORY_DISABLED) assert.match(check.condition.message ?? '', /memory limits cannot be enforced; append "cgroup_enable=memory cgroup_memory=1"/);
    });

    it("creates the pod cgroup with the pod's limits", async function () {
      if (MEMORY_DISABLED) return this.skip();
      const parent = await cgroups.ensure(pod);
      assert.equal(parent, driver === 'systemd' ? sliceNameOf(`${root}/pod${uid}`) : `${root}/pod${uid}`);
      const dir = cgroupPath(parent);
      assert.equal(control(dir, 'memory', 'memory.limit_in_bytes', 'memory.max'), String(64 * 1024 * 1024));
      if (V2) {
        assert.equal(control(dir, 'cpu', '', 'cpu.max'), '25000 100000');
        assert.equal(control(dir, 'cpu', '', 'cpu.weight'), String(cpuSharesToWeight(256)));
      } else {
        assert.equal(control(dir, 'cpu', 'cpu.cfs_quota_us', ''), '25000');
        assert.equal(control(dir, 'cpu', 'cpu.shares', ''), '256');
        const besteffort = driver === 'systemd' ? sliceCgroupPath(sliceNameOf(`${root}/besteffort`)) : `${root}/besteffort`;
        assert.equal(control(besteffort, 'cpu', 'cpu.shares', ''), '2');
      }
      assert.deepEqual(await cgroups.listPodCgroups(), [{ uid, qos: 'Guaranteed', path: parent }]);
    });

    it('holds a real container started with it as CgroupParent, and goes once the container is gone', async function () {
      if (MEMORY_DISABLED) return this.skip();
      assert.ok(node);
      const runtime = new DockerRuntime(node.docker);
      const signal = new AbortController().signal;
      const parent = await cgroups.ensure(pod);
      const id = await runtime.createContainer({ name: `cgtest-${uid}`, image: TEST_IMAGE, cmd: ['sleep', '3600'], env: [], labels: {}, memoryBytes: 64 * 1024 * 1024, cgroupParent: parent }, signal);
      await runtime.startContainer(id, signal);
      const pid = (await node.docker.getContainer(id).inspect()).State.Pid;
      for (const controller of ['memory', 'cpu']) assert.ok(cgroupOfProcess(pid, controller).startsWith(`${cgroupPath(parent)}/`), `container in ${cgroupOfProcess(pid, controller)}`);
      assert.equal(await cgroups.remove(uid), false, 'removed while the container runs');
      assert.equal(readFileSync(`/proc/${pid}/comm`, 'utf8').trim(), 'sleep', 'the container still runs');
      await runtime.stopContainer(id, { signal: 'SIGKILL', timeoutSeconds: 0 }, signal);
      await runtime.removeContainer(id, signal);
      assert.equal(await cgroups.remove(uid), true);
      assert.deepEqual(await cgroups.listPodCgroups(), []);
      for (const controller of V2 ? [''] : ['memory', 'cpu', 'pids']) assert.ok(!existsSync(path.join(CGROUP_MOUNT, controller, cgroupPath(parent))), `${controller}${parent} left`);
    });
  });
}
