import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FeedBatch } from '../../../agent/feed/feed-batch';
import { PERSISTENT_VOLUMES } from '../../../agent/feed/feed-kinds';
import { StorageObjects } from '../../../agent/storage-objects';
import type { PersistentVolume } from '../../../api/storage-v1';

describe('agent storage objects: local-path directories', () => {
  let base: string;
  let storageDir: string;
  const volume = (name: string, dir: string): PersistentVolume => ({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name, uid: name, resourceVersion: '1' }, spec: { hostPath: { path: dir } } });
  const full = (volumes: PersistentVolume[]): FeedBatch => FeedBatch.empty().with(PERSISTENT_VOLUMES, { full: true, objects: volumes, removed: [] });
  const removal = (name: string): FeedBatch => FeedBatch.empty().with(PERSISTENT_VOLUMES, { full: false, objects: [], removed: [name] });
  const dirOf = (name: string): string => path.join(storageDir, `${name}_default_data`);

  beforeEach(() => {
    base = mkdtempSync(path.join(os.tmpdir(), 'pikube-storage-'));
    storageDir = path.join(base, 'storage');
    for (const name of ['pvc-a', 'pvc-b']) {
      mkdirSync(dirOf(name), { recursive: true });
      writeFileSync(path.join(dirOf(name), 'data'), name);
    }
    mkdirSync(path.join(storageDir, 'not-a-volume'));
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('removes the directory of a volume that left the node\'s full set, and only pvc-* directories', () => {
    const objects = new StorageObjects(storageDir);
    objects.apply(full([volume('pvc-a', dirOf('pvc-a')), volume('pvc-b', dirOf('pvc-b'))]));
    assert.ok(existsSync(dirOf('pvc-a')) && existsSync(dirOf('pvc-b')));
    objects.apply(removal('pvc-b'));
    assert.ok(existsSync(dirOf('pvc-a')), 'a volume still there keeps its directory');
    assert.ok(!existsSync(dirOf('pvc-b')), 'a volume gone loses its directory');
    assert.ok(existsSync(path.join(storageDir, 'not-a-volume')), 'anything else is left alone');
  });

  it('removes nothing before a full set of volumes has arrived', () => {
    const objects = new StorageObjects(storageDir);
    objects.apply(FeedBatch.empty().with(PERSISTENT_VOLUMES, { full: false, objects: [volume('pvc-a', dirOf('pvc-a'))], removed: [] }));
    assert.ok(existsSync(dirOf('pvc-b')));
  });

  it('tells its owner when a batch changed something', () => {
    let told = 0;
    const objects = new StorageObjects(storageDir, () => told++);
    objects.apply(full([volume('pvc-a', dirOf('pvc-a')), volume('pvc-b', dirOf('pvc-b'))]));
    objects.apply(full([volume('pvc-a', dirOf('pvc-a')), volume('pvc-b', dirOf('pvc-b'))]));
    assert.equal(told, 1);
  });
});
