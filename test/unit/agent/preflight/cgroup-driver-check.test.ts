import assert from 'node:assert/strict';
import { cgroupLayout, checkCgroupDriver } from '../../../../agent/preflight/cgroup-driver-check';
import { fakeHostTree, type FakeHostTree } from '../../../support/fake-host-tree';

describe('cgroup version and Docker cgroup driver preflight', () => {
  let tree: FakeHostTree;
  beforeEach(() => { tree = fakeHostTree({ '/proc/1/comm': 'systemd\n' }); });
  afterEach(() => tree.remove());

  const v2 = (): void => tree.write({ '/sys/fs/cgroup/cgroup.controllers': 'cpuset cpu io memory pids\n' });

  it('tells v1, hybrid and v2 apart by where cgroup.controllers is', () => {
    tree.write({ '/sys/fs/cgroup/memory/cgroup.procs': '' });
    assert.equal(cgroupLayout(tree.files), 'v1');
    tree.write({ '/sys/fs/cgroup/unified/cgroup.controllers': '' });
    assert.equal(cgroupLayout(tree.files), 'hybrid');
    v2();
    assert.equal(cgroupLayout(tree.files), 'v2');
  });

  it("passes cgroup v2 with Docker's systemd driver (Raspberry Pi OS bookworm as installed)", () => {
    v2();
    const r = checkCgroupDriver(tree.files, 'systemd');
    assert.equal(r.status, 'pass');
    assert.equal(r.message, "cgroup v2, init systemd, Docker's systemd cgroup driver");
  });

  it('warns about the cgroupfs driver on cgroup v2 under systemd, with the daemon.json line', () => {
    v2();
    const r = checkCgroupDriver(tree.files, 'cgroupfs');
    assert.equal(r.status, 'warn');
    assert.match(r.fix ?? '', /"exec-opts": \["native\.cgroupdriver=systemd"\] to \/etc\/docker\/daemon\.json/);
  });

  it('passes cgroupfs on cgroup v1', () => {
    assert.equal(checkCgroupDriver(tree.files, 'cgroupfs').status, 'pass');
  });

  it('warns when Docker does not answer or names a driver pikube cannot use', () => {
    assert.match(checkCgroupDriver(tree.files, undefined).message, /Docker did not answer/);
    assert.equal(checkCgroupDriver(tree.files, 'none').status, 'warn');
  });
});
