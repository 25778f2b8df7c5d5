import assert from 'node:assert/strict';
import { detectCgroupLayout } from '../../../../agent/cgroups/cgroup-layout';
import { parseProcCgroup, readCgroupUsage } from '../../../../agent/stats/cgroup-usage';
import { FakeCgroupFiles } from '../cgroups/fake-cgroup-files';

const V1_PROC = `12:pids:/pikube-pi1/burstable/podu1/c1
5:memory:/pikube-pi1/burstable/podu1/c1
4:cpu,cpuacct:/pikube-pi1/burstable/podu1/c1
1:name=systemd:/docker/c1
`;

describe('container usage from cgroups', () => {
  it('reads /proc/<pid>/cgroup by controller on v1 and the unified path on v2', () => {
    const v1 = parseProcCgroup(V1_PROC);
    assert.equal(v1.get('cpuacct'), '/pikube-pi1/burstable/podu1/c1');
    assert.equal(v1.get('memory'), '/pikube-pi1/burstable/podu1/c1');
    assert.equal(parseProcCgroup('0::/pikube.slice/pikube-podu1.slice/docker-c1.scope\n').get(''), '/pikube.slice/pikube-podu1.slice/docker-c1.scope');
  });

  it('takes v1 cpuacct.usage and usage_in_bytes minus total_inactive_file', () => {
    const fs = FakeCgroupFiles.v1();
    const dir = '/pikube-pi1/burstable/podu1/c1';
    fs.files.set(`/sys/fs/cgroup/cpu,cpuacct${dir}/cpuacct.usage`, '2500000000\n');
    fs.files.set(`/sys/fs/cgroup/memory${dir}/memory.usage_in_bytes`, '10485760\n');
    fs.files.set(`/sys/fs/cgroup/memory${dir}/memory.stat`, 'cache 4194304\ntotal_inactive_file 2097152\ntotal_rss 6291456\n');
    assert.deepEqual(readCgroupUsage(fs, detectCgroupLayout(fs), parseProcCgroup(V1_PROC)), { cpuNs: 2_500_000_000, workingSetBytes: 8 * 1024 * 1024 });
  });

  it('takes v2 cpu.stat usage_usec and memory.current minus inactive_file, never below 0', () => {
    const fs = FakeCgroupFiles.v2();
    const dir = '/sys/fs/cgroup/pikube.slice/docker-c1.scope';
    fs.files.set(`${dir}/cpu.stat`, 'usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n');
    fs.files.set(`${dir}/memory.current`, '1000\n');
    fs.files.set(`${dir}/memory.stat`, 'anon 0\ninactive_file 4096\n');
    assert.deepEqual(readCgroupUsage(fs, detectCgroupLayout(fs), parseProcCgroup('0::/pikube.slice/docker-c1.scope')), { cpuNs: 1_500_000_000, workingSetBytes: 0 });
  });

  it('gives no sample for a cgroup that is gone or holds no number', () => {
    const fs = FakeCgroupFiles.v1();
    assert.equal(readCgroupUsage(fs, detectCgroupLayout(fs), parseProcCgroup(V1_PROC)), undefined);
    fs.files.set('/sys/fs/cgroup/cpu,cpuacct/pikube-pi1/burstable/podu1/c1/cpuacct.usage', 'garbage');
    assert.equal(readCgroupUsage(fs, detectCgroupLayout(fs), parseProcCgroup(V1_PROC)), undefined);
  });

  it('reads CPU alone where the memory controller is off (a Pi booted without it)', () => {
    const fs = FakeCgroupFiles.v2();
    fs.files.set('/sys/fs/cgroup/c1/cpu.stat', 'usage_usec 42\n');
    assert.deepEqual(readCgroupUsage(fs, detectCgroupLayout(fs), parseProcCgroup('0::/c1')), { cpuNs: 42_000, workingSetBytes: 0 });
  });
});
