import assert from 'node:assert/strict';
import path from 'node:path';
import { DEFAULT_TIMEOUT_SECONDS, parseVmArgs } from '../../../../scripts/vm/vm-options';

describe('VM runner command line', () => {
  it('defaults to cgroup v2, Docker choosing its driver, the default timeout and automatic acceleration', () => {
    assert.deepEqual(parseVmArgs(['--', 'true']), { cgroup: 'v2', timeoutSeconds: DEFAULT_TIMEOUT_SECONDS, accel: 'auto', kernelArgs: '', command: 'true' });
  });

  it('reads every option before the command', () => {
    const opts = parseVmArgs(['--cgroup', 'v1', '--docker-cgroup-driver', 'cgroupfs', '--timeout', '90', '--accel', 'tcg', '--kernel-args', 'cgroup_disable=memory', '--out-dir', 'out', '--', 'echo', 'hi']);
    assert.deepEqual(opts, {
      cgroup: 'v1', dockerCgroupDriver: 'cgroupfs', timeoutSeconds: 90, accel: 'tcg', kernelArgs: 'cgroup_disable=memory', outDir: path.resolve('out'), command: 'echo hi',
    });
  });

  it('keeps option-like words after -- as part of the command', () => {
    assert.equal(parseVmArgs(['--', 'ls', '--cgroup', 'v1']).command, 'ls --cgroup v1');
  });

  it('refuses what it cannot run', () => {
    const bad: string[][] = [
      ['true'], ['--'], ['--cgroup', 'v3', '--', 'true'], ['--docker-cgroup-driver', 'none', '--', 'true'],
      ['--timeout', '0', '--', 'true'], ['--timeout', '1.5', '--', 'true'], ['--timeout', '--', 'true'], ['--accel', 'hvf', '--', 'true'],
      ['--kernel-args', 'a\nb', '--', 'true'], ['--out-dir', '', '--', 'true'], ['--network', 'on', '--', 'true'],
    ];
    for (const argv of bad) assert.throws(() => parseVmArgs(argv), JSON.stringify(argv));
  });
});
