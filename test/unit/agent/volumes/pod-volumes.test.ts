import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../../../api/core-v1';
import { PodVolumes } from '../../../../agent/volumes/pod-volumes';
import type { Mounter } from '../../../../agent/volumes/tmpfs-mounter';

const never: Mounter = {
  mountTmpfs: () => Promise.reject(new Error('no tmpfs in this test')),
  mountFilesystem: () => Promise.reject(new Error('no mounts in this test')),
  unmount: async () => undefined,
  isMountPoint: () => false,
  isLocalMountPoint: async () => false,
};

function podWith(volumes: Pod['spec']['volumes']): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u-1' }, spec: { containers: [], volumes } };
}

describe('pod volumes', () => {
  let dir: string;
  let volumes: PodVolumes;
  const signal = new AbortController().signal;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-volumes-'));
    volumes = new PodVolumes(dir, never);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a world-writable emptyDir per pod and volume, and mounts subPaths as directories in it', async () => {
    const set = await volumes.setUp(podWith([{ name: 'data', emptyDir: {} }]), signal);
    assert.ok(set.ok);
    const base = path.join(dir, 'pods', 'u-1', 'volumes', 'kubernetes.io~empty-dir', 'data');
    assert.equal(statSync(base).mode & 0o777, 0o777);
    const mounts = volumes.mountsFor({ name: 'c', volumeMounts: [{ name: 'data', mountPath: '/d', subPath: 'logs/app' }] }, set.ok ? set.paths : new Map());
    assert.deepEqual(mounts, { ok: true, mounts: [{ source: path.join(base, 'logs/app'), target: '/d', readOnly: false }] });
    assert.ok(existsSync(path.join(base, 'logs/app')));
  });

  it('refuses a subPath that climbs out, and a mount of an unknown volume', () => {
    const paths = new Map([['data', dir]]);
    assert.deepEqual(volumes.mountsFor({ name: 'c', volumeMounts: [{ name: 'data', mountPath: '/d', subPath: '../etc' }] }, paths).ok, false);
    const unknown = volumes.mountsFor({ name: 'c', volumeMounts: [{ name: 'nope', mountPath: '/d' }] }, paths);
    assert.deepEqual(unknown, { ok: false, message: 'cannot find volume "nope" to mount into container "c"' });
  });

  it('names the volume it cannot set up: an unsupported source, a failed tmpfs mount', async () => {
    assert.deepEqual(await volumes.setUp(podWith([{ name: 'claim', persistentVolumeClaim: { claimName: 'c' } }]), signal),
      { ok: false, volume: 'claim', message: 'persistentvolumeclaim "c" not found' });
    assert.deepEqual(await volumes.setUp(podWith([{ name: 'disk', iscsi: { targetPortal: 'nas:3260', iqn: 'iqn.x', lun: 0 } }]), signal),
      { ok: false, volume: 'disk', message: 'iscsi volumes are not supported by this node yet (only emptyDir, hostPath, nfs, configMap, secret, downwardAPI, projected and persistentVolumeClaim)' });
    assert.deepEqual(await volumes.setUp(podWith([{ name: 'share', nfs: { server: 'nas', path: '/x' } }]), signal), { ok: false, volume: 'share', message: 'no mounts in this test' });
    assert.deepEqual(await volumes.setUp(podWith([{ name: 'mem', emptyDir: { medium: 'Memory' } }]), signal), { ok: false, volume: 'mem', message: 'no tmpfs in this test' });
  });

  it('tears a pod down to nothing, and lists pods left on disk', async () => {
    await volumes.setUp(podWith([{ name: 'data', emptyDir: {} }]), signal);
    assert.deepEqual(volumes.podUidsOnDisk(), ['u-1']);
    await volumes.tearDown('u-1', signal);
    assert.deepEqual(volumes.podUidsOnDisk(), []);
  });
});
