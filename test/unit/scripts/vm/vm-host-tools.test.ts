import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HOST_TOOLS, hostToolsProblem } from '../../../../scripts/vm/vm-host-tools';

describe("the VM runner's host tools", () => {
  let bin: string;
  beforeEach(() => {
    bin = mkdtempSync(path.join(os.tmpdir(), 'pikube-tools-'));
  });
  afterEach(() => rmSync(bin, { recursive: true, force: true }));

  const provide = (...cmds: string[]): void => cmds.forEach((c) => writeFileSync(path.join(bin, c), '#!/bin/sh\n', { mode: 0o755 }));

  it('needs root', () => {
    provide(...Object.keys(HOST_TOOLS));
    assert.match(hostToolsProblem([bin], 1000) ?? '', /root/);
    assert.equal(hostToolsProblem([bin], 0), undefined);
  });

  it('names the Debian packages of missing tools', () => {
    provide('chroot', 'mkfs.ext4');
    assert.equal(hostToolsProblem([bin], 0), 'missing qemu-system-x86_64, qemu-img, debootstrap: apt-get install qemu-system-x86 qemu-utils debootstrap');
  });
});
