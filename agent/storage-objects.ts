/**
 * The agent's copy of the claims its pods mount and of the PersistentVolumes behind them (and
 * of every local-path volume pinned to this node), from the object feed. Like the ConfigMaps it
 * outlives sessions: a pod restarting while the control plane is away still finds its volume.
 * After each batch `onChanged` is told, so pods waiting for a claim to bind get a pass at once.
 *
 * Local-path directories: once a full set of volumes has arrived, a `pvc-*` directory under
 * this node's local-path directory whose volume is no longer in the set is removed (its volume
 * was deleted: reclaim Delete). A volume kept (Retain) stays in the set, and so does its
 * directory. Only direct children named `pvc-…` are ever removed (api/local-path.ts).
 */
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { PersistentVolumeClaim } from '../api/core-v1';
import { isLocalPathVolumeDir } from '../api/local-path';
import type { KubeObject } from '../api/meta';
import type { PersistentVolume } from '../api/storage-v1';
import type { FeedBatch } from './feed/feed-batch';
import { PERSISTENT_VOLUME_CLAIMS, PERSISTENT_VOLUMES } from './feed/feed-kinds';
import type { FeedConsumer } from './feed/object-dispatcher';
import { ObjectSet } from './feed/object-set';

/** Where a pod's persistentVolumeClaim volumes are looked up; undefined: not (or not yet) on this node. */
export interface StorageSource {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  /** This node's local-path directory. */
  readonly localPathDir: string;
}

export class StorageObjects implements StorageSource {
  private readonly claims = new ObjectSet<PersistentVolumeClaim & KubeObject>();
  private readonly volumes = new ObjectSet<PersistentVolume>();
  private volumesComplete = false;

  constructor(readonly localPathDir: string, private readonly onChanged: () => void = () => undefined, private readonly log: (m: string) => void = () => undefined) {}

  claim(namespace: string, name: string): PersistentVolumeClaim | undefined {
    return this.claims.get(`${namespace}/${name}`);
  }

  volume(name: string): PersistentVolume | undefined {
    return this.volumes.get(name);
  }

  consumer(): FeedConsumer {
    return { name: 'storage', kinds: [PERSISTENT_VOLUMES, PERSISTENT_VOLUME_CLAIMS], apply: (batch) => this.apply(batch) };
  }

  apply(batch: FeedBatch): void {
    const volumes = batch.of(PERSISTENT_VOLUMES);
    if (volumes?.full) this.volumesComplete = true;
    const changed = [this.volumes.apply(volumes), this.claims.apply(batch.of(PERSISTENT_VOLUME_CLAIMS))].some(Boolean);
    if (!changed) return;
    if (this.volumesComplete) this.removeDeletedVolumeDirs();
    this.onChanged();
  }

  /** The directories of volumes that are gone; each failure is logged and tried again on the next change. */
  private removeDeletedVolumeDirs(): void {
    const kept = new Set(this.volumes.list().map((v) => v.spec?.hostPath?.path ?? v.spec?.local?.path));
    for (const dir of this.volumeDirs()) {
      if (kept.has(dir) || !isLocalPathVolumeDir(this.localPathDir, dir)) continue;
      try {
        rmSync(dir, { recursive: true, force: true });
        this.log(`removed local-path volume directory ${dir}: its PersistentVolume was deleted`);
      } catch (err: unknown) {
        this.log(`removing local-path volume directory ${dir}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private volumeDirs(): string[] {
    try {
      return readdirSync(this.localPathDir).filter((n) => n.startsWith('pvc-')).map((n) => path.posix.join(this.localPathDir, n));
    } catch {
      return [];
    }
  }
}
