import assert from 'node:assert/strict';
import { kernelCmdline, qemuArgs, VM_CPUS, VM_MEMORY_MIB, type QemuPlan } from '../../../../scripts/vm/qemu-args';

const plan: QemuPlan = {
  accel: { kind: 'tcg', accelArg: 'tcg,thread=multi', cpu: 'max', reason: 'test' },
  image: { key: 'k', kernel: '/cache/k/vmlinuz', initrd: '/cache/k/initrd.img', disk: '/cache/k/rootfs.raw' },
  overlay: '/tmp/run/overlay.qcow2',
  repo: '/work/main',
  jobDir: '/tmp/run/job',
  consoleLog: '/tmp/run/console.log',
  cgroup: 'v2',
};

/** The value following a flag, for each time the flag appears. */
function values(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
}

describe('qemu command line of a VM job', () => {
  it('gives the VM no network device at all', () => {
    const args = qemuArgs(plan);
    assert.deepEqual(values(args, '-nic'), ['none']);
    assert.ok(args.includes('-nodefaults'), 'no default devices (a default NIC among them)');
    assert.deepEqual([...values(args, '-netdev'), ...values(args, '-net'), ...values(args, '-device')], []);
  });

  it('boots the cached kernel and writes only to the overlay', () => {
    const args = qemuArgs(plan);
    assert.deepEqual(values(args, '-kernel'), ['/cache/k/vmlinuz']);
    assert.deepEqual(values(args, '-initrd'), ['/cache/k/initrd.img']);
    assert.deepEqual(values(args, '-drive'), ['file=/tmp/run/overlay.qcow2,format=qcow2,if=virtio,cache=unsafe']);
    assert.ok(!args.some((a) => a.includes('rootfs.raw')), 'the raw image is only the overlay backing file');
  });

  it('shares the repository read-only and the job directory read-write', () => {
    const [repo, job] = values(qemuArgs(plan), '-virtfs');
    assert.match(repo, /path=\/work\/main,mount_tag=pikuberepo,.*readonly=on/);
    assert.match(job, /path=\/tmp\/run\/job,mount_tag=pikubejob,/);
    assert.doesNotMatch(job, /readonly/);
  });

  it('keeps the VM at its size and acceleration', () => {
    const args = qemuArgs(plan);
    assert.deepEqual([values(args, '-smp'), values(args, '-m'), values(args, '-accel'), values(args, '-cpu')], [[String(VM_CPUS)], [String(VM_MEMORY_MIB)], ['tcg,thread=multi'], ['max']]);
  });

  it('refuses a shared path qemu would split at a comma', () => {
    assert.throws(() => qemuArgs({ ...plan, repo: '/work/a,b' }));
  });

  it('selects the cgroup hierarchy on the kernel command line, extra arguments last', () => {
    assert.match(kernelCmdline('v2'), /systemd\.unified_cgroup_hierarchy=1$/);
    assert.match(kernelCmdline('v1'), /systemd\.unified_cgroup_hierarchy=0$/);
    assert.match(kernelCmdline('v2', 'cgroup_disable=memory'), /root=\/dev\/vda .* cgroup_disable=memory$/);
    assert.deepEqual(values(qemuArgs({ ...plan, cgroup: 'v1' }), '-append'), [kernelCmdline('v1')]);
  });
});
