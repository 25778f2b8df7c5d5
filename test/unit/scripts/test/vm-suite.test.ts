import assert from 'node:assert/strict';
import { countsFrom, guestCommand, VM_RUNS } from '../../../../scripts/test/vm-suite';

describe('the VM test tier', () => {
  it('reads the counts from the marker line the guest echoes last', () => {
    const output = 'booting…\n  3 passing\nPIKUBE-VM-SUMMARY {"passed":3,"failed":1,"skipped":2}\n';
    assert.deepEqual(countsFrom(output), { passed: 3, failed: 1, skipped: 2 });
  });

  it('has no counts when the guest never got to them', () => {
    assert.equal(countsFrom('kernel panic\n'), undefined);
    assert.equal(countsFrom('PIKUBE-VM-SUMMARY \n'), undefined);
    assert.equal(countsFrom('PIKUBE-VM-SUMMARY {"passed":"3"}\n'), undefined);
  });

  it('runs mocha in the guest on compiled tests under the fixture driver, quoting the grep', () => {
    const cmd = guestCommand(VM_RUNS[0], '/work/main/dist');
    assert.match(cmd, /^export PIKUBE_CGROUP_DRIVER=systemd PIKUBE_TEST_SUMMARY=/);
    assert.match(cmd, /'\/work\/main\/node_modules\/mocha\/bin\/mocha\.js' --reporter '\/work\/main\/dist\/test\/support\/summary-reporter\.js'/);
    assert.match(cmd, /--grep 'real cgroup tree\|pod cgroup\|OOMKilled\|nfs volumes on real dockerds\|install\.sh on a machine with systemd' '\/work\/main\/dist\/test\/integration\/agent\/cgroups\/pod-cgroups\.test\.js'/);
    assert.match(cmd, /\nexit \$code$/);
  });

  it('covers v2 with the systemd driver under a machine daemon.json, v2 without the memory controller, and v1', () => {
    assert.deepEqual(VM_RUNS.map((r) => [r.cgroup, r.kernelArgs ?? '', r.fixtureDriver, r.machineDriver ?? '']), [
      ['v2', '', 'systemd', 'cgroupfs'], ['v2', 'cgroup_disable=memory', 'systemd', ''], ['v1', '', 'systemd', ''],
    ]);
    assert.ok(VM_RUNS[0].files.includes('integration/agent/volumes/nfs-volume.test.js'), 'the nfs volumes run where the kernel has NFS');
  });

  it('installs pikube with install.sh last in the Pi-like run, under a longer bound', () => {
    const pi = VM_RUNS[0];
    assert.equal(pi.files.at(-1), 'integration/scripts/install/install-sh.test.js');
    assert.ok(new RegExp(pi.grep).test('install.sh on a machine with systemd --role server: etcd and pikube-server run'));
    assert.ok((pi.timeoutSeconds ?? 0) > 600);
    assert.ok(VM_RUNS.slice(1).every((r) => !r.files.some((f) => f.includes('install'))), 'installed once, in the Pi-like run');
  });
});
