import assert from 'node:assert/strict';
import { checkImagePlatforms, nodePlatform, runsOn, type Platform } from '../../../../agent/preflight/image-platform-check';

const ARM64: Platform = { os: 'linux', architecture: 'arm64' };
const ARMV7: Platform = { os: 'linux', architecture: 'arm', variant: 'v7' };
const ARMV6: Platform = { os: 'linux', architecture: 'arm', variant: 'v6' };
const AMD64: Platform = { os: 'linux', architecture: 'amd64' };

describe('side-loaded image platform preflight', () => {
  it("derives the node's platform from Node's arch and uname -m", () => {
    assert.deepEqual(nodePlatform('arm64', 'aarch64'), ARM64);
    assert.deepEqual(nodePlatform('arm', 'armv7l'), ARMV7);
    assert.deepEqual(nodePlatform('arm', 'armv6l'), ARMV6);
    assert.deepEqual(nodePlatform('x64', 'x86_64'), AMD64);
  });

  const table: Array<[Platform, Platform, boolean]> = [
    [ARM64, ARM64, true], [ARMV7, ARMV7, true], [ARMV7, ARM64, true], [ARMV6, ARMV7, true],
    [ARMV7, ARMV6, false], [ARM64, ARMV7, false], [AMD64, ARM64, false], [ARM64, AMD64, false],
    [{ os: 'windows', architecture: 'arm64' }, ARM64, false],
  ];
  for (const [image, node, ok] of table) {
    it(`${ok ? 'runs' : 'refuses'} a ${Object.values(image).join('/')} image on a ${Object.values(node).join('/')} node`, () => assert.equal(runsOn(image, node), ok));
  }

  it('warns naming each image built for another platform', () => {
    const r = checkImagePlatforms([{ name: 'web:1', ...ARM64 }, { name: 'pikube/pause:latest', ...ARMV7 }, { name: 'db:2', ...AMD64 }], ARMV7);
    assert.equal(r.status, 'warn');
    assert.match(r.message, /this node is linux\/arm\/v7; web:1 is linux\/arm64, db:2 is linux\/amd64: pods using them fail with "exec format error"/);
    assert.match(r.fix ?? '', /--platform linux\/arm\/v7/);
  });

  it('passes when every image fits', () => {
    assert.equal(checkImagePlatforms([{ name: 'web:1', ...ARM64 }], ARM64).status, 'pass');
  });
});
