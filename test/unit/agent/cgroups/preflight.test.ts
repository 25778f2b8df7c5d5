import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkMemoryCgroup, type PreflightPaths } from '../../../../agent/cgroups/preflight';

const PROC_V1 = (memoryEnabled: 0 | 1) => `#subsys_name\thierarchy\tnum_cgroups\tenabled
cpuset\t3\t2\t1
cpu\t1\t2\t1
memory\t4\t14\t${memoryEnabled}
pids\t8\t2\t1
`;

describe('memory cgroup preflight', () => {
  let dir: string;
  let paths: PreflightPaths;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-preflight-'));
    paths = {
      procCgroups: path.join(dir, 'proc', 'cgroups'),
      cgroupMount: path.join(dir, 'sys', 'fs', 'cgroup'),
      bootCmdlines: [path.join(dir, 'boot', 'firmware', 'cmdline.txt'), path.join(dir, 'boot', 'cmdline.txt')],
    };
    mkdirSync(path.dirname(paths.procCgroups), { recursive: true });
    mkdirSync(paths.cgroupMount, { recursive: true });
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function v1(memoryEnabled: 0 | 1): void {
    writeFileSync(paths.procCgroups, PROC_V1(memoryEnabled));
    for (const h of ['cpu', 'pids', ...(memoryEnabled ? ['memory'] : [])]) {
      mkdirSync(path.join(paths.cgroupMount, h));
      writeFileSync(path.join(paths.cgroupMount, h, 'cgroup.procs'), '');
    }
  }

  function cmdline(which: 0 | 1): string {
    const file = paths.bootCmdlines[which];
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'console=serial0,115200 root=PARTUUID=1234-02 rootwait\n');
    return file;
  }

  it('finds the memory controller enabled on cgroup v1', () => {
    v1(1);
    const check = checkMemoryCgroup(paths);
    assert.equal(check.available, true);
    assert.equal(check.cgroupVersion, 1);
    assert.deepEqual({ type: check.condition.type, status: check.condition.status, reason: check.condition.reason }, { type: 'MemoryCgroupAvailable', status: 'True', reason: 'MemoryCgroupEnabled' });
  });

  it('names /boot/firmware/cmdline.txt when the controller is disabled on Raspberry Pi OS Bookworm', () => {
    v1(0);
    const file = cmdline(0);
    cmdline(1);
    const check = checkMemoryCgroup(paths);
    assert.equal(check.available, false);
    assert.equal(check.fix, `append "cgroup_enable=memory cgroup_memory=1" to the single line of ${file} and reboot`);
    assert.deepEqual({ ...check.condition, message: undefined }, { type: 'MemoryCgroupAvailable', status: 'False', reason: 'MemoryCgroupDisabled', message: undefined });
    assert.match(check.condition.message ?? '', /memory limits cannot be enforced; append "cgroup_enable=memory cgroup_memory=1"/);
  });

  it('names /boot/cmdline.txt on older Raspberry Pi OS', () => {
    v1(0);
    const file = cmdline(1);
    assert.match(checkMemoryCgroup(paths).fix ?? '', new RegExp(`to the single line of ${file} and reboot$`));
  });

  it('names the kernel command line when no cmdline.txt is found', () => {
    v1(0);
    assert.match(checkMemoryCgroup(paths).fix ?? '', /to the kernel command line \(\/boot\/firmware\/cmdline\.txt on Raspberry Pi OS/);
  });

  it('reads the controllers of the unified root on cgroup v2', () => {
    writeFileSync(path.join(paths.cgroupMount, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
    assert.deepEqual([checkMemoryCgroup(paths).available, checkMemoryCgroup(paths).cgroupVersion], [true, 2]);
    writeFileSync(path.join(paths.cgroupMount, 'cgroup.controllers'), 'cpuset cpu io pids\n');
    const check = checkMemoryCgroup(paths);
    assert.equal(check.available, false);
    assert.equal(check.condition.reason, 'MemoryCgroupDisabled');
  });
});
