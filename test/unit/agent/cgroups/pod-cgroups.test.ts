import assert from 'node:assert/strict';
import type { Container, Pod } from '../../../../api/core-v1';
import { detectCgroupLayout, UnsupportedCgroupDriverError } from '../../../../agent/cgroups/cgroup-layout';
import { cpuSharesToWeight } from '../../../../agent/cgroups/cgroup-writer';
import { openPodCgroups, PodCgroups } from '../../../../agent/cgroups/pod-cgroups';
import { FakeCgroupFiles } from './fake-cgroup-files';

const CG = '/sys/fs/cgroup';
const MI = 1024 * 1024;

function pod(uid: string, containers: Partial<Container>[], init: Partial<Container>[] = []): Pod {
  const named = (cs: Partial<Container>[], prefix: string) => cs.map((c, i) => ({ name: `${prefix}${i}`, ...c }));
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: uid, namespace: 'default', uid }, spec: { containers: named(containers, 'c'), initContainers: named(init, 'i') } };
}

const guaranteed = (cpu: string, memory: string): Partial<Container> => ({ resources: { requests: { cpu, memory }, limits: { cpu, memory } } });
const requesting = (cpu: string): Partial<Container> => ({ resources: { requests: { cpu } } });

describe('pod cgroups on cgroup v1', () => {
  it('still makes the pod cgroup, without memory limits, when the memory hierarchy is missing', () => {
    const noMemory = FakeCgroupFiles.v1(CG, ['cpu,cpuacct', 'pids']);
    const parent = new PodCgroups({ root: '/pikube-t', layout: detectCgroupLayout(noMemory, CG), files: noMemory }).ensure(pod('g0', [guaranteed('500m', '128Mi')]));
    assert.equal(noMemory.value(`${CG}/cpu,cpuacct${parent}/cpu.cfs_quota_us`), '50000');
    assert.ok(!noMemory.exists(`${CG}/memory`));
  });

  let fs: FakeCgroupFiles;
  let cgroups: PodCgroups;

  beforeEach(() => {
    fs = FakeCgroupFiles.v1();
    cgroups = new PodCgroups({ root: '/pikube-t', layout: detectCgroupLayout(fs, CG), files: fs });
  });

  it('puts a Guaranteed pod right under the root with the sum of its limits', () => {
    const parent = cgroups.ensure(pod('g1', [guaranteed('500m', '128Mi'), guaranteed('250m', '64Mi')]));
    assert.equal(parent, '/pikube-t/podg1');
    assert.equal(fs.value(`${CG}/memory/pikube-t/podg1/memory.limit_in_bytes`), String(192 * MI));
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/podg1/cpu.cfs_quota_us`), '75000');
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/podg1/cpu.cfs_period_us`), '100000');
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/podg1/cpu.shares`), '768');
  });

  it('leaves a Burstable pod without limits unless every container declares them', () => {
    const p = pod('b1', [{ resources: { requests: { cpu: '100m' }, limits: { cpu: '1', memory: '64Mi' } } }, requesting('200m')]);
    assert.equal(cgroups.ensure(p), '/pikube-t/burstable/podb1');
    assert.equal(fs.value(`${CG}/memory/pikube-t/burstable/podb1/memory.limit_in_bytes`), '-1');
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/burstable/podb1/cpu.cfs_quota_us`), '-1');
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/burstable/podb1/cpu.shares`), '307');
  });

  it('limits a Burstable pod whose every container has limits', () => {
    cgroups.ensure(pod('b2', [{ resources: { requests: { cpu: '100m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } } }]));
    assert.equal(fs.value(`${CG}/memory/pikube-t/burstable/podb2/memory.limit_in_bytes`), String(64 * MI));
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/burstable/podb2/cpu.cfs_quota_us`), '20000');
  });

  it('gives BestEffort pods and their parent the minimum 2 shares', () => {
    assert.equal(cgroups.ensure(pod('e1', [{}])), '/pikube-t/besteffort/pode1');
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/besteffort/pode1/cpu.shares`), '2');
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/besteffort/cpu.shares`), '2');
    assert.equal(fs.value(`${CG}/memory/pikube-t/besteffort/pode1/memory.limit_in_bytes`), '-1');
  });

  it("keeps the burstable parent's shares at the sum of its pods' cpu requests", () => {
    const shares = () => fs.value(`${CG}/cpu,cpuacct/pikube-t/burstable/cpu.shares`);
    cgroups.ensure(pod('b1', [requesting('500m')]));
    cgroups.ensure(pod('b2', [requesting('250m')]));
    assert.equal(shares(), '768');
    cgroups.remove('b1');
    assert.equal(shares(), '256');
  });

  it("recomputes the burstable parent's shares from the whole active set", () => {
    cgroups.ensure(pod('b1', [requesting('500m')]));
    cgroups.updateQos([pod('b2', [requesting('100m')]), pod('b3', [requesting('150m')]), pod('g9', [guaranteed('1', '1Gi')])]);
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/burstable/cpu.shares`), '256');
  });

  it('sizes a pod by its largest init container when that is more', () => {
    cgroups.ensure(pod('g2', [guaranteed('100m', '32Mi')], [guaranteed('1', '256Mi')]));
    assert.equal(fs.value(`${CG}/memory/pikube-t/podg2/memory.limit_in_bytes`), String(256 * MI));
    assert.equal(fs.value(`${CG}/cpu,cpuacct/pikube-t/podg2/cpu.cfs_quota_us`), '100000');
  });

  it('removes the pod cgroup bottom-up in every hierarchy, only once it is empty', () => {
    const parent = cgroups.ensure(pod('g3', [guaranteed('100m', '32Mi')]));
    for (const h of ['cpuset', 'pids']) {
      // runc creates the pod's path in the other hierarchies
      fs.mkdir(`${CG}/${h}/pikube-t`);
      fs.mkdir(`${CG}/${h}${parent}`);
    }
    fs.mkdir(`${CG}/memory${parent}/container1`);
    fs.busy.add(`${CG}/memory${parent}/container1`);
    assert.equal(cgroups.remove('g3'), false);
    assert.ok(fs.exists(`${CG}/memory${parent}`));
    fs.busy.clear();
    assert.equal(cgroups.remove('g3'), true);
    for (const h of ['memory', 'cpu,cpuacct', 'cpuset', 'pids']) assert.ok(!fs.exists(`${CG}/${h}${parent}`), h);
    assert.ok(fs.exists(`${CG}/memory/pikube-t/burstable`), 'the QoS parents stay');
  });

  it('lists the pod cgroups under its root, in any hierarchy, and nothing outside it', () => {
    cgroups.ensure(pod('g4', [guaranteed('100m', '32Mi')]));
    cgroups.ensure(pod('e2', [{}]));
    fs.mkdir(`${CG}/cpuset/pikube-t`);
    fs.mkdir(`${CG}/cpuset/pikube-t/burstable`);
    fs.mkdir(`${CG}/cpuset/pikube-t/burstable/podorphan-1`);
    fs.mkdir(`${CG}/memory/other`);
    fs.mkdir(`${CG}/memory/other/podnotours`);
    const list = cgroups.listPodCgroups().sort((a, b) => a.uid.localeCompare(b.uid));
    assert.deepEqual(list, [
      { uid: 'e2', qos: 'BestEffort', path: '/pikube-t/besteffort/pode2' },
      { uid: 'g4', qos: 'Guaranteed', path: '/pikube-t/podg4' },
      { uid: 'orphan-1', qos: 'Burstable', path: '/pikube-t/burstable/podorphan-1' },
    ]);
  });

  it('refuses a uid that cannot name a directory', () => {
    assert.throws(() => cgroups.ensure(pod('../x', [{}])), /cannot name a cgroup/);
  });
});

describe('pod cgroups on cgroup v2', () => {
  let fs: FakeCgroupFiles;
  let cgroups: PodCgroups;

  beforeEach(() => {
    fs = FakeCgroupFiles.v2();
    cgroups = new PodCgroups({ root: '/pikube-t', layout: detectCgroupLayout(fs, CG), files: fs });
  });

  it('writes memory.max, cpu.max and cpu.weight', () => {
    const parent = cgroups.ensure(pod('g1', [guaranteed('500m', '128Mi'), guaranteed('250m', '64Mi')]));
    assert.equal(fs.value(`${CG}${parent}/memory.max`), String(192 * MI));
    assert.equal(fs.value(`${CG}${parent}/cpu.max`), '75000 100000');
    assert.equal(fs.value(`${CG}${parent}/cpu.weight`), String(cpuSharesToWeight(768)));
    cgroups.ensure(pod('b1', [requesting('100m')]));
    assert.equal(fs.value(`${CG}/pikube-t/burstable/podb1/memory.max`), 'max');
    assert.equal(fs.value(`${CG}/pikube-t/burstable/podb1/cpu.max`), 'max 100000');
  });

  it('enables the controllers down to the pod, and only the missing needed ones at the host root', () => {
    const parent = cgroups.ensure(pod('b2', [requesting('100m')]));
    assert.deepEqual(fs.writes.filter(([p]) => p === `${CG}/cgroup.subtree_control`), [[`${CG}/cgroup.subtree_control`, '+pids']]);
    for (const dir of ['/pikube-t', '/pikube-t/burstable', parent]) assert.equal(fs.value(`${CG}${dir}/cgroup.subtree_control`), 'cpu memory pids', dir);
  });

  it('still makes the pod cgroup, without memory limits, when the memory controller is off', () => {
    const noMemory = FakeCgroupFiles.v2(CG, ['cpu', 'pids'], ['cpu']);
    const parent = new PodCgroups({ root: '/pikube-t', layout: detectCgroupLayout(noMemory, CG), files: noMemory }).ensure(pod('g1', [guaranteed('500m', '128Mi')]));
    assert.equal(noMemory.value(`${CG}${parent}/memory.max`), undefined);
    assert.equal(noMemory.value(`${CG}${parent}/cpu.max`), '50000 100000');
  });

  it('removes the pod cgroup once empty', () => {
    const parent = cgroups.ensure(pod('e1', [{}]));
    fs.mkdir(`${CG}${parent}/docker-1`);
    assert.equal(cgroups.remove('e1'), true);
    assert.ok(!fs.exists(`${CG}${parent}`));
  });
});

describe('cgroup setup', () => {
  it("converts cpu shares to cgroup v2 weights as Kubernetes does", () => {
    assert.deepEqual([2, 1024, 262144].map(cpuSharesToWeight), [1, 39, 10000]);
  });

  it("refuses Docker's systemd cgroup driver with the fix", () => {
    assert.throws(() => openPodCgroups({ root: '/pikube-t', dockerCgroupDriver: 'systemd', files: FakeCgroupFiles.v2(), mount: CG }), (err: unknown) => {
      assert.ok(err instanceof UnsupportedCgroupDriverError);
      assert.match(err.message, /native\.cgroupdriver=cgroupfs.*\/etc\/docker\/daemon\.json/);
      return true;
    });
    assert.ok(openPodCgroups({ root: '/pikube-t', dockerCgroupDriver: 'cgroupfs', files: FakeCgroupFiles.v1(), mount: CG }) instanceof PodCgroups);
  });

  it('detects the hierarchies of a v1 host by controller', () => {
    const layout = detectCgroupLayout(FakeCgroupFiles.v1(), CG);
    assert.equal(layout.version, 1);
    if (layout.version === 1) assert.equal(layout.hierarchies.get('cpuacct'), `${CG}/cpu,cpuacct`);
  });
});
