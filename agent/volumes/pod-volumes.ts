/**
 * A pod's volumes on this node: set up before its containers start (every volume, as the
 * kubelet mounts them all first), turned into bind mounts per container (`volumeMounts`,
 * `readOnly`, `subPath`), and torn down when the pod is gone. emptyDir and hostPath run;
 * other sources (configMap, secret, persistentVolumeClaim...) are refused with a clear
 * error, never silently dropped. The pod's directory is `<stateDir>/pods/<uid>`.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Container, Pod, Volume } from '../../api/core-v1';
import type { ContainerMount } from '../runtime/container-runtime';
import { setUpEmptyDir } from './empty-dir';
import { setUpHostPath } from './host-path';
import { systemMounter, type Mounter } from './tmpfs-mounter';

export type VolumeSetUp = { ok: true; paths: Map<string, string> } | { ok: false; volume: string; message: string };
export type MountsResult = { ok: true; mounts: ContainerMount[] } | { ok: false; message: string };

const EMPTY_DIR = 'kubernetes.io~empty-dir';
/** Names that reach the file system; the API validated them as DNS labels and uids. */
const SAFE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function sourceOf(volume: Volume): string {
  return Object.keys(volume).find((k) => k !== 'name' && volume[k] !== undefined && volume[k] !== null) ?? '';
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class PodVolumes {
  constructor(private readonly stateDir: string, private readonly mounter: Mounter = systemMounter) {}

  podDir(podUid: string): string {
    if (!SAFE.test(podUid)) throw new Error(`pod uid "${podUid}" is not a safe name`);
    return path.join(this.stateDir, 'pods', podUid);
  }

  /** Makes every volume of the pod ready; idempotent. The first failure is returned. */
  async setUp(pod: Pod, signal: AbortSignal): Promise<VolumeSetUp> {
    const paths = new Map<string, string>();
    for (const volume of pod.spec.volumes ?? []) {
      try {
        paths.set(volume.name, await this.setUpOne(pod, volume, signal));
      } catch (err) {
        if (signal.aborted) throw err;
        return { ok: false, volume: volume.name, message: errorText(err) };
      }
    }
    return { ok: true, paths };
  }

  private async setUpOne(pod: Pod, volume: Volume, signal: AbortSignal): Promise<string> {
    if (!SAFE.test(volume.name)) throw new Error(`volume name "${volume.name}" is not a safe name`);
    const source = sourceOf(volume);
    if (volume.emptyDir) {
      const dir = path.join(this.podDir(pod.metadata.uid ?? ''), 'volumes', EMPTY_DIR, volume.name);
      await setUpEmptyDir(dir, volume.emptyDir, this.mounter, signal);
      return dir;
    }
    if (volume.hostPath) return setUpHostPath(volume.hostPath);
    throw new Error(`${source || 'this'} volumes are not supported by this node yet (only emptyDir and hostPath)`);
  }

  /** The container's bind mounts; subPaths are made as directories when missing, as the kubelet does. */
  mountsFor(container: Container, paths: Map<string, string>): MountsResult {
    const mounts: ContainerMount[] = [];
    for (const m of container.volumeMounts ?? []) {
      const base = paths.get(m.name);
      if (!base) return { ok: false, message: `cannot find volume "${m.name}" to mount into container "${container.name}"` };
      const source = m.subPath ? this.subPath(base, m.subPath) : base;
      if (source instanceof Error) return { ok: false, message: source.message };
      mounts.push({ source, target: m.mountPath, readOnly: m.readOnly === true });
    }
    return { ok: true, mounts };
  }

  private subPath(base: string, subPath: string): string | Error {
    if (path.isAbsolute(subPath) || subPath.split('/').includes('..')) return new Error(`subPath "${subPath}" must be a relative path without ".."`);
    const full = path.join(base, subPath);
    try {
      if (!existsSync(full)) mkdirSync(full, { recursive: true, mode: 0o755 });
    } catch (err) {
      return new Error(`failed to create subPath directory for volumeMount: ${errorText(err)}`);
    }
    return full;
  }

  /** Unmounts and removes everything the pod had here. Idempotent; throws if a tmpfs stays mounted. */
  async tearDown(podUid: string, signal: AbortSignal): Promise<void> {
    const dir = this.podDir(podUid);
    const emptyDirs = path.join(dir, 'volumes', EMPTY_DIR);
    const errors: unknown[] = [];
    for (const name of existsSync(emptyDirs) ? readdirSync(emptyDirs) : []) {
      await this.mounter.unmount(path.join(emptyDirs, name), signal).catch((err: unknown) => errors.push(err));
    }
    // Never remove what may still be a mounted file system.
    if (errors.length > 0) throw new AggregateError(errors, `unmounting volumes of pod ${podUid} failed`);
    rmSync(dir, { recursive: true, force: true });
  }

  /** Uids of pods that have a directory here (to clean up those no longer on the node). */
  podUidsOnDisk(): string[] {
    const pods = path.join(this.stateDir, 'pods');
    return existsSync(pods) ? readdirSync(pods).filter((n) => SAFE.test(n)) : [];
  }
}
