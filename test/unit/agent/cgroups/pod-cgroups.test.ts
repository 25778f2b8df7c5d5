import assert from 'node:assert/strict';
import type { Container, Pod } from '../../../../api/core-v1';
import { detectCgroupLayout, UnsupportedCgroupDriverError } from '../../../../agent/cgroups/cgroup-layout';
import { cpuSharesToWeight } from '../../../../agent/cgroups/cgroup-writer';
import { CgroupfsPodCgroupTree } from '../../../../agent/cgroups/cgroupfs-pod-cgroup-tree';
import { openPodCgroups } from '../../../../agent/cgroups/open-pod-cgroups';
import { PodCgroups } from '../../../../agent/cgroups/pod-cgroups';
import { quotaPerSecondUs } from '../../../../agent/cgroups/systemd-properties';
import { SystemdPodCgroupTree } from '../../../../agent/cgroups/systemd-pod-cgroup-tree';
import { FakeCgroupFiles } from './fake-cgroup-files';
import { FakeSystemdManager } from './fake-systemd-manager';

const CG = '/sys/fs/cgroup';
const MI = 1024 * 1024;

function pod(uid: string, containers: Partial<Container>[], init: Partial<Container>[] = []): Pod {
  const named = (cs: Partial<Container>[], prefix: string) => cs.map((c, i) => ({ name: `${prefix}${i}`, ...c }));
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: uid, namespace: 'default', uid }, spec: { containers: named(containers, 'c'), initContainers: named(init, 'i') } };
}

/** Pod cgroups as directories under the root /pikube-t of a fake cgroup tree. */
function onCgroupfs(fs: FakeCgroupFiles): PodCgroups {
  return new PodCgroups(new CgroupfsPodCgroupTree('/pikube-t', detectCgroupLayout(fs, CG), fs));
}

const guaranteed = (cpu: string, memory: string): Partial<Container> => ({ resources: { requests: { cpu, memory }, limits: { cpu, memory } } });
const requesting = (cpu: string): Partial<Container> => ({ resources: { requests: { cpu } } });

describe('pod cgroups on cgroup v1', () => {
  it('still makes the pod cgroup, without memory limits, when the memory hierarchy is missing', async () => {
    const noMemory = FakeCgroupFiles.v1(CG, ['cpu,cpuacct', 'pids']);
    const parent = await onCgroupfs(noMemory).ensure(pod('g0', [guaranteed('500m', '128Mi')]));
    assert.equal(noMemory.value(`${CG}/cpu,cpuacct${parent}/cpu.cfs_quota_us`), '50000');
    assert.ok(!noMemory.exists(`${CG}/memory`));
  });

  let fs: FakeCgroupFiles;
  let cgroups: PodCgroups;

  beforeEach(() => {
    fs = FakeCgroupFiles.v1();
    cgroups = onCgroupfs(fs);
  });

  it('puts a Guaranteed pod right under the root with the sum of its limits', async () => {
    const parent = await cgroups.ensure(pod('g1', [guaranteed('500m', '128Mi'), guaranteed('250m', '64Mi')]));
    assert.equal(parent, '/pikube-t/podg1');
    assert.equal(fs.value(`${CG}/memory/pikube-t/podg1/memory.limit_in_bytes`), String(192 * MI));
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/podg1/cpu.cfs_quota_us`), '75000');
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/podg1/cpu.cfs_period_us`), '100000');
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/podg1/cpu.shares`), '768');
  });

  it('leaves a Burstable pod without limits unless every container declares them', async () => {
    const p = pod('b1', [{ resources: { requests: { cpu: '100m' }, limits: { cpu: '1', memory: '64Mi' } } }, requesting('200m')]);
    assert.equal(await cgroups.ensure(p), '/pikube-t/burstable/podb1');
    assert.equal(fs.value(`${CG}/memory/pikube-t/burstable/podb1/memory.limit_in_bytes`), '-1');
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/burstable/podb1/cpu.cfs_quota_us`), '-1');
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/burstable/podb1/cpu.shares`), '307');
  });

  it('limits a Burstable pod whose every container has limits', async () => {
    await cgroups.ensure(pod('b2', [{ resources: { requests: { cpu: '100m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } } }]));
    assert.equal(fs.value(`${CG}/memory/pikube-t/burstable/podb2/memory.limit_in_bytes`), String(64 * MI));
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/burstable/podb2/cpu.cfs_quota_us`), '20000');
  });

  it('gives BestEffort pods and their parent the minimum 2 shares', async () => {
    assert.equal(await cgroups.ensure(pod('e1', [{}])), '/pikube-t/besteffort/pode1');
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/besteffort/pode1/cpu.shares`), '2');
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/besteffort/cpu.shares`), '2');
    assert.equal(fs.value(`${CG}/memory/pikube-t/besteffort/pode1/memory.limit_in_bytes`), '-1');
  });

  it("keeps the burstable parent's shares at the sum of its pods' cpu requests", async () => {
    const shares = () => fs.value(`${CG}/cpu,cpuacct/pikube-t/burstable/cpu.shares`);
    await cgroups.ensure(pod('b1', [requesting('500m')]));
    await cgroups.ensure(pod('b2', [requesting('250m')]));
    assert.equal(shares(), '768');
    await cgroups.remove('b1');
    assert.equal(shares(), '256');
  });

  it("recomputes the burstable parent's shares from the whole active set", async () => {
    await cgroups.ensure(pod('b1', [requesting('500m')]));
    await cgroups.updateQos([pod('b2', [requesting('100m')]), pod('b3', [requesting('150m')]), pod('g9', [guaranteed('1', '1Gi')])]);
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/burstable/cpu.shares`), '256');
  });

  it('sizes a pod by its largest init container when that is more', async () => {
    await cgroups.ensure(pod('g2', [guaranteed('100m', '32Mi')], [guaranteed('1', '256Mi')]));
    assert.equal(fs.value(`${CG}/memory/pikube-t/podg2/memory.limit_in_bytes`), String(256 * MI));
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/podg2/cpu.cfs_quota_us`), '100000');
  });

  it('removes the pod cgroup bottom-up in every hierarchy, only once it is empty', async () => {
    const parent = await cgroups.ensure(pod('g3', [guaranteed('100m', '32Mi')]));
    for (const h of ['cpuset', 'pids']) {
      // runc creates the pod's path in the other hierarchies
      fs.mkdir(`${CG}/${h}/pikube-t`);
      fs.mkdir(`${CG}/${h}${parent}`);
    }
    fs.mkdir(`${CG}/memory${parent}/container1`);
    fs.busy.add(`${CG}/memory${parent}/container1`);
    assert.equal(await cgroups.remove('g3'), false);
    assert.ok(fs.exists(`${CG}/memory${parent}`));
    fs.busy.clear();
    assert.equal(await cgroups.remove('g3'), true);
    for (const h of ['memory', 'cpu,cpuacct', 'cpuset', 'pids']) assert.ok(!fs.exists(`${CG}/${h}${parent}`), h);
    assert.ok(fs.exists(`${CG}/memory/pikube-t/burstable`), 'the QoS parents stay');
  });

  it('lists the pod cgroups under its root, in any hierarchy, and nothing outside it', async () => {
    await cgroups.ensure(pod('g4', [guaranteed('100m', '32Mi')]));
    await cgroups.ensure(pod('e2', [{}]));
    fs.mkdir(`${CG}/cpuset/pikube-t`);
    fs.mkdir(`${CG}/cpuset/pikube-t/burstable`);
    fs.mkdir(`${CG}/cpuset/pikube-t/burstable/podorphan-1`);
    fs.mkdir(`${CG}/memory/other`);
    fs.mkdir(`${CG}/memory/other/podnotours`);
    const list = (await cgroups.listPodCgroups()).sort((a, b) => a.uid.localeCompare(b.uid));
    assert.deepEqual(list, [
      { uid: 'e2', qos: 'BestEffort', path: '/pikube-t/besteffort/pode2' },
      { uid: 'g4', qos: 'Guaranteed', path: '/pikube-t/podg4' },
      { uid: 'orphan-1', qos: 'Burstable', path: '/pikube-t/burstable/podorphan-1' },
    ]);
  });

  it('refuses a uid that cannot name a directory', async () => {
    await assert.rejects(cgroups.ensure(pod('../x', [{}])), /cannot name a cgroup/);
  });
});

describe('pod cgroups on cgroup v2', () => {
  let fs: FakeCgroupFiles;
  let cgroups: PodCgroups;

  beforeEach(() => {
    fs = FakeCgroupFiles.v2();
    cgroups = onCgroupfs(fs);
  });

  it('writes memory.max, cpu.max and cpu.weight', async () => {
    const parent = await cgroups.ensure(pod('g1', [guaranteed('500m', '128Mi'), guaranteed('250m', '64Mi')]));
    assert.equal(fs.value(`${CG}${parent}/memory.max`), String(192 * MI));
    assert.equal(fs.value(`${CG}${parent}/cpu.max`), '75000 100000');
    assert.equal(fs.value(`${CG}${parent}/cpu.weight`), String(cpuSharesToWeight(768)));
    await cgroups.ensure(pod('b1', [requesting('100m')]));
    assert.equal(fs.value(`${CG}/pikube-t/burstable/podb1/memory.max`), 'max');
    assert.equal(fs.value(`${CG}/pikube-t/burstable/podb1/cpu.max`), 'max 100000');
  });

  it('enables the controllers down to the pod, and only the missing needed ones at the host root', async () => {
    const parent = await cgroups.ensure(pod('b2', [requesting('100m')]));
    assert.deepEqual(fs.writes.filter(([p]) => p === `${CG}/cgroup.subtree_control`), [[`${CG}/cgroup.subtree_control`, '+pids']]);
    for (const dir of ['/pikube-t', '/pikube-t/burstable', parent]) assert.equal(fs.value(`${CG}${dir}/cgroup.subtree_control`), 'cpu memory pids', dir);
  });

  it('still makes the pod cgroup, without memory limits, when the memory controller is off', async () => {
    const noMemory = FakeCgroupFiles.v2(CG, ['cpu', 'pids'], ['cpu']);
    const parent = await onCgroupfs(noMemory).ensure(pod('g1', [guaranteed('500m', '128Mi')]));
    assert.equal(noMemory.value(`${CG}${parent}/memory.max`), undefined);
    assert.equal(noMemory.value(`${CG}${parent}/cpu.max`), '50000 100000');
  });

  it('removes the pod cgroup once empty', async () => {
    const parent = await cgroups.ensure(pod('e1', [{}]));
    fs.mkdir(`${CG}${parent}/docker-1`);
    assert.equal(await cgroups.remove('e1'), true);
    assert.ok(!fs.exists(`${CG}${parent}`));
  });
});

describe('pod cgroups as systemd slices (Docker\'s systemd driver)', () => {
  let fs: FakeCgroupFiles;
  let systemd: FakeSystemdManager;
  let cgroups: PodCgroups;
  const INFINITY = '18446744073709551615';

  beforeEach(() => {
    fs = FakeCgroupFiles.v2();
    systemd = new FakeSystemdManager(fs);
    cgroups = new PodCgroups(new SystemdPodCgroupTree('/pikube-t', detectCgroupLayout(fs, CG), systemd, fs));
  });

  it('makes a transient slice per pod with its limits as unit properties', async () => {
    const slice = await cgroups.ensure(pod('g1', [guaranteed('500m', '128Mi'), guaranteed('250m', '64Mi')]));
    assert.equal(slice, 'pikube_t-podg1.slice');
    assert.equal(systemd.property(slice, 'MemoryMax'), String(192 * MI));
    assert.equal(systemd.property(slice, 'CPUWeight'), String(cpuSharesToWeight(768)));
    assert.equal(systemd.property(slice, 'CPUQuotaPerSecUSec'), '750000');
    assert.equal(systemd.property(slice, 'MemoryAccounting'), 'true');
    assert.ok(fs.exists(`${CG}/pikube_t.slice/pikube_t-podg1.slice`));
  });

  it('keeps the QoS parent slices: burstable at the sum of requests, besteffort at the minimum', async () => {
    const b1 = await cgroups.ensure(pod('b1', [requesting('500m')]));
    await cgroups.ensure(pod('b2', [requesting('250m')]));
    assert.equal(b1, 'pikube_t-burstable-podb1.slice');
    assert.equal(systemd.property(b1, 'MemoryMax'), INFINITY);
    assert.equal(systemd.property(b1, 'CPUQuotaPerSecUSec'), INFINITY);
    assert.equal(systemd.property('pikube_t-burstable.slice', 'CPUWeight'), String(cpuSharesToWeight(768)));
    assert.equal(systemd.property('pikube_t-besteffort.slice', 'CPUWeight'), '1');
    await cgroups.remove('b1');
    assert.equal(systemd.property('pikube_t-burstable.slice', 'CPUWeight'), String(cpuSharesToWeight(256)));
    assert.deepEqual(systemd.calls.slice(0, 3), ['start pikube_t-burstable.slice', 'start pikube_t-besteffort.slice', 'start pikube_t-burstable-podb1.slice']);
    assert.ok(systemd.calls.includes('set pikube_t-burstable.slice'), 'an existing slice gets its properties set');
  });

  it('leaves QoS parents whose shares did not change alone: one D-Bus call per pod start', async () => {
    await cgroups.ensure(pod('e1', [{}]));
    const before = systemd.calls.length;
    await cgroups.ensure(pod('e2', [{}]));
    assert.deepEqual(systemd.calls.slice(before), ['start pikube_t-besteffort-pode2.slice']);
  });

  it('uses the cgroup v1 property names on a v1 host', async () => {
    const v1 = FakeCgroupFiles.v1(CG, ['memory', 'cpu,cpuacct', 'systemd']);
    const onV1 = new FakeSystemdManager(FakeCgroupFiles.v2());
    const slice = await new PodCgroups(new SystemdPodCgroupTree('/pikube-t', detectCgroupLayout(v1, CG), onV1, v1)).ensure(pod('g1', [guaranteed('250m', '64Mi')]));
    assert.equal(onV1.property(slice, 'CPUShares'), '256');
    assert.equal(onV1.property(slice, 'MemoryLimit'), String(64 * MI));
    assert.equal(onV1.property(slice, 'CPUWeight'), undefined);
  });

  it("rounds the quota up to systemd's 10 ms per second", async () => {
    assert.deepEqual([1000, 1500, 25000, 100000].map((q) => quotaPerSecondUs(q)), [10000n, 20000n, 250000n, 1000000n]);
    assert.equal(quotaPerSecondUs(1500, 50000), 30000n);
  });

  it('stops a pod slice only once nothing runs in it', async () => {
    const slice = await cgroups.ensure(pod('e1', [{}]));
    const scope = `${CG}/pikube_t.slice/pikube_t-besteffort.slice/${slice}/docker-1.scope`;
    fs.mkdir(scope);
    fs.files.set(`${scope}/cgroup.procs`, '4242\n');
    assert.equal(await cgroups.remove('e1'), false);
    assert.ok(!systemd.calls.includes(`stop ${slice}`), 'a slice with a live container is never stopped');
    fs.files.set(`${scope}/cgroup.procs`, '');
    fs.rmdir(scope);
    assert.equal(await cgroups.remove('e1'), true);
    assert.ok(systemd.calls.includes(`stop ${slice}`));
    assert.ok(!fs.exists(`${CG}/pikube_t.slice/pikube_t-besteffort.slice/${slice}`));
    assert.equal(await cgroups.remove('e1'), true, 'a second remove has nothing to do');
  });

  it('lists the pod slices under its root, unescaping the uids, and nothing else', async () => {
    await cgroups.ensure(pod('1b2c-33', [guaranteed('100m', '32Mi')]));
    await systemd.ensureSlice('pikube_t-burstable-podorphan_1.slice', []);
    await systemd.ensureSlice('pikube_t-burstable-notapod.slice', []);
    await systemd.ensureSlice('other-podnotours.slice', []);
    const list = (await cgroups.listPodCgroups()).sort((a, b) => a.uid.localeCompare(b.uid));
    assert.deepEqual(list, [
      { uid: '1b2c-33', qos: 'Guaranteed', path: 'pikube_t-pod1b2c_33.slice' },
      { uid: 'orphan-1', qos: 'Burstable', path: 'pikube_t-burstable-podorphan_1.slice' },
    ]);
  });
});

describe('cgroup setup', () => {
  it("converts cpu shares to cgroup v2 weights as Kubernetes does", async () => {
    assert.deepEqual([2, 1024, 262144].map(cpuSharesToWeight), [1, 39, 10000]);
  });

  it('opens directories under the cgroupfs driver and slices under systemd, once systemd answers', async () => {
    const tree = async (driver: string, systemd?: FakeSystemdManager) =>
      (await openPodCgroups({ root: '/pikube-t', dockerCgroupDriver: driver, files: FakeCgroupFiles.v2(), mount: CG, systemd })).pathOf('u1', 'Burstable');
    assert.equal(await tree('cgroupfs'), '/pikube-t/burstable/podu1');
    assert.equal(await tree('systemd', new FakeSystemdManager(FakeCgroupFiles.v2())), 'pikube_t-burstable-podu1.slice');
  });

  it('refuses systemd off D-Bus and unknown drivers, naming the daemon.json fix', async () => {
    const silent = new FakeSystemdManager(FakeCgroupFiles.v2());
    silent.failVersion = new Error('Failed to connect to bus: No such file or directory');
    for (const [driver, why] of [['systemd', /does not answer on D-Bus \(Failed to connect to bus/], ['none', /drives the "cgroupfs" and "systemd" drivers only/]] as const) {
      await assert.rejects(openPodCgroups({ root: '/pikube-t', dockerCgroupDriver: driver, files: FakeCgroupFiles.v2(), mount: CG, systemd: silent }), (err: unknown) => {
        assert.ok(err instanceof UnsupportedCgroupDriverError);
        assert.match(err.message, why);
        assert.match(err.message, /native\.cgroupdriver=cgroupfs.*\/etc\/docker\/daemon\.json/);
        return true;
      });
    }
  });

  it('detects the hierarchies of a v1 host by controller', async () => {
    const layout = detectCgroupLayout(FakeCgroupFiles.v1(), CG);
    assert.equal(layout.version, 1);
    if (layout.version === 1) assert.equal(layout.hierarchies.get('cpuacct'), `${CG}/cpu,cpuacct`);
  });
});
