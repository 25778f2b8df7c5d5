import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { splitDev } from '../../../host/block-device';
import { checkEtcdDisk, ETCD_SD_CARD_SETTINGS } from '../../../host/etcd-disk-check';
import { measureFsyncLatency, summarise } from '../../../host/fsync-latency';
import { fakeHostTree, type FakeHostTree } from '../../support/fake-host-tree';

const FAST = summarise([0.4, 0.5, 0.6, 0.9]);
const SD_CARD_SLOW = summarise([18, 22, 25, 31, 44]);

describe('etcd data directory preflight', () => {
  let tree: FakeHostTree;
  beforeEach(() => {
    tree = fakeHostTree({
      '/sys/dev/block/179:2/uevent': 'MAJOR=179\nMINOR=2\nDEVNAME=mmcblk0p2\nDEVTYPE=partition\n',
      '/sys/dev/block/8:1/uevent': 'MAJOR=8\nMINOR=1\nDEVNAME=sda1\nDEVTYPE=partition\n',
    });
  });
  afterEach(() => tree.remove());

  it('passes a USB SSD with fast fsyncs', () => {
    const r = checkEtcdDisk(tree.files, { dataDir: '/var/lib/etcd', major: 8, minor: 1, latency: FAST });
    assert.equal(r.status, 'pass');
    assert.match(r.message, /on sda1: p50 0\.5 ms, p99 0\.9 ms over 4 writes/);
  });

  it('warns about a slow SD card and prints the etcd settings that reduce its writes', () => {
    const r = checkEtcdDisk(tree.files, { dataDir: '/var/lib/etcd', major: 179, minor: 2, latency: SD_CARD_SLOW });
    assert.equal(r.status, 'warn');
    assert.match(r.message, /mmcblk0p2 \(an SD card\).*p99 44\.0 ms.*under 10 ms/);
    for (const [k, v] of Object.entries(ETCD_SD_CARD_SETTINGS)) assert.ok(r.fix?.includes(`${k}=${v}`), `${k} in ${r.fix}`);
    assert.match(r.fix ?? '', /USB SSD/);
  });

  it('warns about an SD card even when its fsyncs are fast today (wear)', () => {
    assert.equal(checkEtcdDisk(tree.files, { dataDir: '/var/lib/etcd', major: 179, minor: 2, latency: FAST }).status, 'warn');
  });

  it('warns about a slow disk that is not an SD card, named by its numbers when sysfs does not name it', () => {
    const r = checkEtcdDisk(tree.files, { dataDir: '/var/lib/etcd', major: 259, minor: 3, latency: SD_CARD_SLOW });
    assert.equal(r.status, 'warn');
    assert.match(r.message, /on 259:3: /);
  });

  it('sets the same settings in the etcd unit drop-in that install.sh writes', () => {
    const dropIn = readFileSync(path.join(__dirname, '../../../../deploy/systemd/etcd.service.d/pikube-sd-card.conf'), 'utf8');
    for (const [k, v] of Object.entries(ETCD_SD_CARD_SETTINGS)) assert.match(dropIn, new RegExp(`^Environment=${k}=${v}$`, 'm'));
  });

  it('measures real fsyncs in a directory and leaves no probe file behind', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-fsync-'));
    try {
      const latency = measureFsyncLatency(dir, 5);
      assert.equal(latency.samples, 5);
      assert.ok(latency.p50Ms > 0 && latency.p99Ms >= latency.p50Ms);
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("splits Linux's dev_t as glibc does", () => {
    assert.deepEqual(splitDev(BigInt((179 << 8) | 2)), { major: 179, minor: 2 });
    // minor 300 spills its high bits above the major's 12 (MKDEV's new encoding)
    assert.deepEqual(splitDev(44n | (8n << 8n) | (256n << 12n)), { major: 8, minor: 300 });
  });
});
