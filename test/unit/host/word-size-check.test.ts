import assert from 'node:assert/strict';
import { checkWordSize, elfWordSize } from '../../../host/word-size-check';
import { elfHeader, fakeHostTree, type FakeHostTree } from '../../support/fake-host-tree';

describe('32/64-bit kernel and userland preflight', () => {
  let tree: FakeHostTree;
  beforeEach(() => { tree = fakeHostTree(); });
  afterEach(() => tree.remove());

  const cases: Array<{ title: string; kernel: string; userland: 32 | 64; node: string; status: string; text?: RegExp }> = [
    { title: '64-bit Raspberry Pi OS on a Pi 4', kernel: 'aarch64', userland: 64, node: 'arm64', status: 'pass' },
    { title: '32-bit Raspberry Pi OS on a Pi 2', kernel: 'armv7l', userland: 32, node: 'arm', status: 'pass' },
    { title: "32-bit Raspberry Pi OS on a Pi 4 (64-bit kernel by config.txt's default)", kernel: 'aarch64', userland: 32, node: 'arm', status: 'warn', text: /64-bit kernel under a 32-bit userland/ },
    { title: 'a 32-bit kernel under a 64-bit userland', kernel: 'armv7l', userland: 64, node: 'arm64', status: 'fail', text: /cannot run the 64-bit programs/ },
    { title: 'a 32-bit Node on a 64-bit kernel and userland', kernel: 'aarch64', userland: 64, node: 'arm', status: 'warn' },
  ];
  for (const c of cases) {
    it(`${c.status === 'pass' ? 'passes' : c.status === 'warn' ? 'warns about' : 'fails'} ${c.title}`, () => {
      tree.write({ '/proc/sys/kernel/arch': `${c.kernel}\n`, '/bin/sh': elfHeader(c.userland) });
      const r = checkWordSize(tree.files, { unameMachine: 'x86_64', nodeArch: c.node });
      assert.equal(r.status, c.status, r.message);
      if (c.text) assert.match(r.message, c.text);
      if (c.status !== 'pass') assert.match(r.fix ?? '', /arm_64bit=[01] in \/boot\/firmware\/config\.txt/);
    });
  }

  it('falls back to uname -m when /proc/sys/kernel/arch is missing', () => {
    tree.write({ '/bin/sh': elfHeader(64) });
    assert.equal(checkWordSize(tree.files, { unameMachine: 'armv7l', nodeArch: 'arm64' }).status, 'fail');
  });

  it('reads the ELF class and refuses what is not ELF', () => {
    assert.equal(elfWordSize(elfHeader(32)), 32);
    assert.equal(elfWordSize(elfHeader(64)), 64);
    assert.equal(elfWordSize(Buffer.from('#!/bin/sh\n')), undefined);
  });
});
