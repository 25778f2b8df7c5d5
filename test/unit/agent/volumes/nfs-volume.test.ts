import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PersistentVolumeClaim, Pod } from '../../../../api/core-v1';
import type { PersistentVolume } from '../../../../api/storage-v1';
import { nfsMountArguments } from '../../../../agent/volumes/nfs-volume';
import { PodVolumes } from '../../../../agent/volumes/pod-volumes';
import type { Mounter } from '../../../../agent/volumes/tmpfs-mounter';
import type { StorageSource } from '../../../../agent/storage-objects';

class RecordingMounter implements Mounter {
  readonly mounts = new Map<string, string>();
  async mountTmpfs(): Promise<void> {
    throw new Error('no tmpfs in this test');
  }
  async mountFilesystem(type: string, source: string, dir: string, options: string[]): Promise<void> {
    this.mounts.set(dir, `mount -t ${type}${options.length ? ` -o ${options.join(',')}` : ''} ${source}`);
  }
  async unmount(dir: string): Promise<void> {
    this.mounts.delete(dir);
  }
  isMountPoint(dir: string): boolean {
    return this.mounts.has(dir);
  }
  async isLocalMountPoint(dir: string): Promise<boolean> {
    return this.isMountPoint(dir);
  }
}

/** A server that refuses every mount, as mount.nfs tells it. */
class RefusingMounter extends RecordingMounter {
  override async mountFilesystem(): Promise<void> {
    throw new Error('mount failed: exit status 32');
  }
}

describe('nfs volumes (the kubelet nfs plugin)', () => {
  const args: [Parameters<typeof nfsMountArguments>[0], string, string[]][] = [
    [{ server: '10.210.1.5', path: '/srv/nfs', readOnly: false }, '10.210.1.5:/srv/nfs', []],
    [{ server: 'nas.home.lan', path: '/export/web', readOnly: true, mountOptions: ['nfsvers=4.1', 'hard'] }, 'nas.home.lan:/export/web', ['nfsvers=4.1', 'hard', 'ro']],
    [{ server: 'fd00::5', path: '/x', readOnly: false }, '[fd00::5]:/x', []],
  ];
  for (const [mount, source, options] of args) {
    it(`mounts ${source}${options.length ? ` with ${options.join(',')}` : ''}`, () => assert.deepEqual(nfsMountArguments(mount), { source, options }));
  }

  const refused: [Parameters<typeof nfsMountArguments>[0], RegExp][] = [
    [{ server: '-o remount', path: '/x', readOnly: false }, /nfs server "-o remount" is not a host name or address/],
    [{ server: 'nas', path: 'relative', readOnly: false }, /must be an absolute path/],
    [{ server: 'nas', path: '/x', readOnly: false, mountOptions: ['a,b'] }, /mount option "a,b" is not a single mount option/],
  ];
  for (const [mount, why] of refused) it(`refuses ${JSON.stringify(mount)}`, () => assert.throws(() => nfsMountArguments(mount), why));

  describe('in a pod', () => {
    let dir: string;
    let mounter: RecordingMounter;
    const signal = new AbortController().signal;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'pkit-nfs-'));
      mounter = new RecordingMounter();
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const pod = (volumes: Pod['spec']['volumes']): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u-1' }, spec: { containers: [], volumes } });

    it('mounts an inline nfs volume once under kubernetes.io~nfs/<volume>, and unmounts it with the pod', async () => {
      const volumes = new PodVolumes(dir, mounter);
      const p = pod([{ name: 'share', nfs: { server: 'nas', path: '/export', readOnly: true } }]);
      const set = await volumes.setUp(p, signal);
      await volumes.setUp(p, signal);
      const target = path.join(dir, 'pods', 'u-1', 'volumes', 'kubernetes.io~nfs', 'share');
      assert.deepEqual(set, { ok: true, paths: new Map([['share', target]]), stale: [] });
      assert.deepEqual([...mounter.mounts], [[target, 'mount -t nfs -o ro nas:/export']]);
      await volumes.tearDown('u-1', signal);
      assert.equal(mounter.mounts.size, 0);
    });

    it('mounts a claim bound to an nfs PersistentVolume under the volume name, with its mount options and the claim read-only', async () => {
      const pv: PersistentVolume = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'nas-web' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany'], mountOptions: ['nfsvers=4.1'], nfs: { server: 'nas', path: '/web' } } };
      const claim: PersistentVolumeClaim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'web', namespace: 'default' }, spec: { volumeName: 'nas-web' }, status: { phase: 'Bound' } };
      const storage: StorageSource = { claim: (ns, name) => (ns === 'default' && name === 'web' ? claim : undefined), volume: (name) => (name === 'nas-web' ? pv : undefined), localPathDir: '' };
      const volumes = new PodVolumes(dir, mounter, { storage });
      const set = await volumes.setUp(pod([{ name: 'data', persistentVolumeClaim: { claimName: 'web', readOnly: true } }]), signal);
      const target = path.join(dir, 'pods', 'u-1', 'volumes', 'kubernetes.io~nfs', 'nas-web');
      assert.deepEqual(set, { ok: true, paths: new Map([['data', target]]), stale: [] });
      assert.deepEqual([...mounter.mounts], [[target, 'mount -t nfs -o nfsvers=4.1,ro nas:/web']]);
    });

    it('tells a failed claim mount under the PersistentVolume\'s name, as the kubelet\'s FailedMount does; an unbound claim under the pod\'s volume', async () => {
      const pv: PersistentVolume = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'nas-web' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany'], nfs: { server: 'nas', path: '/web' } } };
      const claims: Record<string, PersistentVolumeClaim> = {
        web: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'web', namespace: 'default' }, spec: { volumeName: 'nas-web' }, status: { phase: 'Bound' } },
        waiting: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'waiting', namespace: 'default' }, spec: {}, status: { phase: 'Pending' } },
      };
      const storage: StorageSource = { claim: (_ns, name) => claims[name], volume: (name) => (name === 'nas-web' ? pv : undefined), localPathDir: '' };
      const volumes = new PodVolumes(dir, new RefusingMounter(), { storage });
      assert.deepEqual(await volumes.setUp(pod([{ name: 'data', persistentVolumeClaim: { claimName: 'web' } }]), signal), { ok: false, volume: 'nas-web', message: 'mount failed: exit status 32' });
      assert.deepEqual(await volumes.setUp(pod([{ name: 'data', persistentVolumeClaim: { claimName: 'waiting' } }]), signal), { ok: false, volume: 'data', message: 'PVC default/waiting is not bound' });
    });
  });
});
