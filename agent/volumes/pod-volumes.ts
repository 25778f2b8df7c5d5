/**
 * A pod's volumes on this node: set up before its containers start (every volume, as the
 * kubelet mounts them all first), turned into bind mounts per container (`volumeMounts`,
 * `readOnly`, `subPath`), and torn down when the pod is gone. emptyDir, hostPath, nfs
 * (nfs-volume.ts, a kernel mount), configMap, secret, downwardAPI, projected (with service-account tokens from the token manager) and
 * persistentVolumeClaim (claim-volume.ts; hostPath, local and nfs volumes) run; other sources
 * (iscsi, csi...) are refused with a clear error, never silently dropped. The pod's directory is
 * `<stateDir>/pods/<uid>`, its volumes under `volumes/kubernetes.io~<plugin>/<name>` (the
 * kubelet's layout).
 *
 * configMap, secret, downwardAPI and projected volumes are written with the atomic writer
 * (atomic-writer.ts) on every set-up, i.e. on every pass of the pod's worker: an edit of the
 * ConfigMap (pushed by the feed, which wakes the worker) or of the pod's labels shows in the
 * running containers within moments, never half-written. Secret and projected volumes live on
 * a tmpfs of their own (never on the SD card), unmounted when the pod goes. Containers get
 * them read-only, whatever `readOnly` says, as the kubelet does since 1.10.
 */
import { existsSync, mkdirSync, readdirSync, realpathSync, rmSync, chmodSync } from 'node:fs';
import path from 'node:path';
import type { Container, Pod, ResourceList, Volume } from '../../api/core-v1';
import type { ConfigSource } from '../config-objects';
import type { ContainerMount } from '../runtime/container-runtime';
import { writeAtomically, type Payload } from './atomic-writer';
import { configMapPayload, secretPayload } from './config-volume-payload';
import { downwardAPIPayload, type DownwardAPISource } from './downward-api-payload';
import { setUpEmptyDir } from './empty-dir';
import { setUpHostPath } from './host-path';
import { boundVolumeOf, setUpClaimVolume } from './claim-volume';
import { NFS_PLUGIN_DIR, setUpNfs, type NfsMount } from './nfs-volume';
import type { StorageSource } from '../storage-objects';
import { projectedPayload, type ProjectedSource } from './projected-payload';
import type { TokenSource } from './service-account-tokens';
import { systemMounter, type Mounter } from './tmpfs-mounter';

/** What configMap, secret, downwardAPI and projected volumes are made of. */
export interface VolumeSources {
  /** The ConfigMaps and Secrets delivered to this node; absent: none. */
  config?: ConfigSource;
  /** The node's allocatable resources (resourceFieldRef items of a container without limits; the size of a memory-backed emptyDir). */
  allocatable?: () => ResourceList;
  /** The claims and PersistentVolumes delivered to this node; absent: none. */
  storage?: StorageSource;
  /** Service-account tokens for `serviceAccountToken` projections; absent: such volumes fail to mount. */
  tokens?: TokenSource;
}

/** A volume written from the API through the atomic writer: its plugin directory and whether it lives on tmpfs. */
interface ProjectedKind {
  plugin: string;
  tmpfs: boolean;
}

const CONFIG_MAP: ProjectedKind = { plugin: 'kubernetes.io~configmap', tmpfs: false };
const SECRET: ProjectedKind = { plugin: 'kubernetes.io~secret', tmpfs: true };
const DOWNWARD_API: ProjectedKind = { plugin: 'kubernetes.io~downward-api', tmpfs: false };
const PROJECTED: ProjectedKind = { plugin: 'kubernetes.io~projected', tmpfs: true };
/** The pod's volumes its containers get read-only whatever their mounts say (persistentVolumeClaim.readOnly). */
export function readOnlyVolumesOf(pod: Pod): Set<string> {
  return new Set((pod.spec.volumes ?? []).filter((v) => v.persistentVolumeClaim?.readOnly === true).map((v) => v.name));
}

/** Volumes containers always get read-only (the kubelet's ReadOnlyAPIDataVolumes). */
const READ_ONLY_PLUGINS = new Set([CONFIG_MAP, SECRET, DOWNWARD_API, PROJECTED].map((k) => k.plugin));

/** A failure to refresh a volume already set up: the pod keeps its last files and goes on (the kubelet's remount failure). */
export interface StaleVolume {
  volume: string;
  message: string;
}

export type VolumeSetUp = { ok: true; paths: Map<string, string>; stale: StaleVolume[] } | { ok: false; volume: string; message: string };
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
  constructor(private readonly stateDir: string, private readonly mounter: Mounter = systemMounter, private readonly sources: VolumeSources = {}) {}

  podDir(podUid: string): string {
    if (!SAFE.test(podUid)) throw new Error(`pod uid "${podUid}" is not a safe name`);
    return path.join(this.stateDir, 'pods', podUid);
  }

  /** Where the pod's emptyDir volume `name` lives on this node. */
  emptyDirPath(podUid: string, name: string): string {
    if (!SAFE.test(name)) throw new Error(`volume name "${name}" is not a safe name`);
    return path.join(this.podDir(podUid), 'volumes', EMPTY_DIR, name);
  }

  /**
   * Makes every volume of the pod ready; idempotent. The first failure is returned, except for
   * a volume written from the API that was set up before (its ConfigMap deleted while the pod
   * runs): it keeps its last files, as on a kubelet, and is reported `stale`.
   */
  async setUp(pod: Pod, signal: AbortSignal): Promise<VolumeSetUp> {
    const paths = new Map<string, string>();
    const stale: StaleVolume[] = [];
    for (const volume of pod.spec.volumes ?? []) {
      try {
        paths.set(volume.name, await this.setUpOne(pod, volume, signal));
      } catch (err) {
        if (signal.aborted) throw err;
        const kept = this.setUpBefore(pod, volume);
        if (!kept) return { ok: false, volume: this.specName(pod, volume), message: errorText(err) };
        paths.set(volume.name, kept);
        stale.push({ volume: volume.name, message: errorText(err) });
      }
    }
    return { ok: true, paths, stale };
  }

  /**
   * The name a failure is told under, the kubelet's volume spec name: a claim's bound
   * PersistentVolume once there is one (`MountVolume.SetUp failed for volume "nas"`), else the
   * pod's volume.
   */
  private specName(pod: Pod, volume: Volume): string {
    if (!volume.persistentVolumeClaim) return volume.name;
    try {
      return boundVolumeOf(pod, volume.persistentVolumeClaim, this.sources.storage).metadata.name ?? volume.name;
    } catch {
      return volume.name;
    }
  }

  /** The directory of an API-data volume that already holds a payload (`..data`); undefined otherwise. */
  private setUpBefore(pod: Pod, volume: Volume): string | undefined {
    const kind = this.projection(pod, volume)?.kind;
    if (!kind || !SAFE.test(volume.name)) return undefined;
    const dir = path.join(this.podDir(pod.metadata.uid ?? ''), 'volumes', kind.plugin, volume.name);
    return existsSync(path.join(dir, '..data')) ? dir : undefined;
  }

  private async setUpOne(pod: Pod, volume: Volume, signal: AbortSignal): Promise<string> {
    if (!SAFE.test(volume.name)) throw new Error(`volume name "${volume.name}" is not a safe name`);
    const source = sourceOf(volume);
    if (volume.emptyDir) {
      const dir = this.emptyDirPath(pod.metadata.uid ?? '', volume.name);
      await setUpEmptyDir(dir, pod, volume.emptyDir, this.sources.allocatable?.().memory, this.mounter, signal);
      return dir;
    }
    if (volume.hostPath) return setUpHostPath(volume.hostPath);
    if (volume.nfs) return this.setUpNfs(pod, volume.name, { ...volume.nfs, readOnly: volume.nfs.readOnly === true }, signal);
    if (volume.persistentVolumeClaim) return this.setUpClaim(pod, volume.persistentVolumeClaim, signal);
    // The projected volume's tmpfs is mounted while its tokens are on their way (two waits of hundreds of ms on a busy Pi).
    const tokens = volume.projected
      ? (await Promise.all([this.fetchTokens(pod, volume.projected as ProjectedSource, signal), this.projectionDir(pod, volume.name, PROJECTED, signal)]))[0]
      : undefined;
    const projected = this.projection(pod, volume, tokens);
    if (projected) return this.setUpProjection(pod, volume.name, projected.kind, projected.payload, signal);
    throw new Error(`${source || 'this'} volumes are not supported by this node yet (only emptyDir, hostPath, nfs, configMap, secret, downwardAPI, projected and persistentVolumeClaim)`);
  }

  /** A claim's volume: an nfs one mounted under the PersistentVolume's name, the others bound from their host path. */
  private async setUpClaim(pod: Pod, source: NonNullable<Volume['persistentVolumeClaim']>, signal: AbortSignal): Promise<string> {
    const volume = boundVolumeOf(pod, source, this.sources.storage);
    const nfs = volume.spec?.nfs;
    if (!nfs) return setUpClaimVolume(volume, this.sources.storage);
    const readOnly = source.readOnly === true || nfs.readOnly === true;
    return this.setUpNfs(pod, volume.metadata.name ?? '', { server: nfs.server, path: nfs.path, readOnly, mountOptions: volume.spec?.mountOptions }, signal);
  }

  private async setUpNfs(pod: Pod, name: string, mount: NfsMount, signal: AbortSignal): Promise<string> {
    if (!SAFE.test(name)) throw new Error(`volume name "${name}" is not a safe name`);
    const dir = path.join(this.podDir(pod.metadata.uid ?? ''), 'volumes', NFS_PLUGIN_DIR, name);
    await setUpNfs(dir, mount, this.mounter, signal);
    return dir;
  }

  /**
   * Starts fetching the pod's service-account tokens now: the pod just arrived, and its first
   * pass reaches volume set-up only after a look at Docker (set-up then awaits the same fetch).
   */
  prefetchTokens(pod: Pod): void {
    const tokens = this.sources.tokens;
    if (!tokens) return;
    for (const volume of pod.spec.volumes ?? []) {
      for (const s of (volume.projected as ProjectedSource | undefined)?.sources ?? []) if (s.serviceAccountToken) tokens.prefetch(pod, s.serviceAccountToken);
    }
  }

  /** The token of each `serviceAccountToken` source of a projected volume, by source index, or why there is none. */
  private async fetchTokens(pod: Pod, source: ProjectedSource, signal: AbortSignal): Promise<Map<number, string | Error>> {
    const tokens = new Map<number, string | Error>();
    for (const [i, s] of (source.sources ?? []).entries()) {
      if (!s.serviceAccountToken) continue;
      const manager = this.sources.tokens;
      if (!manager) tokens.set(i, new Error('this node has no service account token manager'));
      else tokens.set(i, await manager.token(pod, s.serviceAccountToken, signal).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))));
    }
    return tokens;
  }

  /** The kind and files of a volume written from the API; undefined for other sources. */
  private projection(pod: Pod, volume: Volume, tokens?: ReadonlyMap<number, string | Error>): { kind: ProjectedKind; payload: Payload | Error } | undefined {
    const namespace = pod.metadata.namespace ?? '';
    const config = this.sources.config;
    const allocatable = this.sources.allocatable?.() ?? {};
    if (volume.configMap) return { kind: CONFIG_MAP, payload: configMapPayload(volume.configMap, config?.configMap(namespace, volume.configMap.name)) };
    if (volume.secret) {
      const source = { ...volume.secret, name: volume.secret.secretName };
      return { kind: SECRET, payload: secretPayload(source, config?.secret(namespace, source.name)) };
    }
    if (volume.downwardAPI) return { kind: DOWNWARD_API, payload: downwardAPIPayload(volume.downwardAPI as DownwardAPISource, pod, allocatable) };
    if (volume.projected) return { kind: PROJECTED, payload: projectedPayload(volume.projected as ProjectedSource, { pod, config, allocatable, tokens }) };
    return undefined;
  }

  /** The volume's directory (a tmpfs for secrets), holding exactly the payload through the atomic writer. */
  private async setUpProjection(pod: Pod, name: string, kind: ProjectedKind, payload: Payload | Error, signal: AbortSignal): Promise<string> {
    if (payload instanceof Error) throw payload;
    const dir = await this.projectionDir(pod, name, kind, signal);
    writeAtomically(dir, payload);
    return dir;
  }

  /** The volume's directory, made (and its tmpfs mounted) if need be. Idempotent. */
  private async projectionDir(pod: Pod, name: string, kind: ProjectedKind, signal: AbortSignal): Promise<string> {
    const dir = path.join(this.podDir(pod.metadata.uid ?? ''), 'volumes', kind.plugin, name);
    mkdirSync(dir, { recursive: true });
    if (kind.tmpfs && !(await this.mounter.isLocalMountPoint(dir))) await this.mounter.mountTmpfs(dir, undefined, signal);
    if (!kind.tmpfs) chmodSync(dir, 0o777);
    return dir;
  }

  /**
   * The container's bind mounts; subPaths are made as directories when missing, as the kubelet
   * does. `readOnlyVolumes`: volumes every container gets read-only (a claim volume's `readOnly`).
   */
  mountsFor(container: Container, paths: Map<string, string>, readOnlyVolumes: ReadonlySet<string> = new Set()): MountsResult {
    const mounts: ContainerMount[] = [];
    for (const m of container.volumeMounts ?? []) {
      const base = paths.get(m.name);
      if (!base) return { ok: false, message: `cannot find volume "${m.name}" to mount into container "${container.name}"` };
      const apiData = READ_ONLY_PLUGINS.has(path.basename(path.dirname(base)));
      const source = m.subPath ? (apiData ? this.apiDataSubPath(base, m.subPath) : this.subPath(base, m.subPath)) : base;
      if (source instanceof Error) return { ok: false, message: source.message };
      mounts.push({ source, target: m.mountPath, readOnly: apiData || readOnlyVolumes.has(m.name) || m.readOnly === true });
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

  /**
   * A subPath of a volume written from the API: the file it names now, resolved through the
   * `..data` symlinks and checked to stay inside the volume. It is bind-mounted as it is, so
   * later updates do not reach it (Kubernetes' subPath rule); nothing is created for it.
   */
  private apiDataSubPath(base: string, subPath: string): string | Error {
    if (path.isAbsolute(subPath) || subPath.split('/').includes('..')) return new Error(`subPath "${subPath}" must be a relative path without ".."`);
    const full = path.join(base, subPath);
    if (!existsSync(full)) return new Error(`subPath "${subPath}" does not exist in the volume`);
    const real = realpathSync(full);
    const root = realpathSync(base);
    return real === root || real.startsWith(`${root}/`) ? real : new Error(`subPath "${subPath}" leaves the volume`);
  }

  /** Unmounts and removes everything the pod had here. Idempotent; throws if a tmpfs stays mounted. */
  async tearDown(podUid: string, signal: AbortSignal): Promise<void> {
    this.sources.tokens?.forgetPod(podUid);
    const dir = this.podDir(podUid);
    const errors: unknown[] = [];
    for (const volumeDir of this.volumeDirs(dir)) {
      await this.mounter.unmount(volumeDir, signal).catch((err: unknown) => errors.push(err));
    }
    // Never remove what may still be a mounted file system.
    if (errors.length > 0) throw new AggregateError(errors, `unmounting volumes of pod ${podUid} failed`);
    rmSync(dir, { recursive: true, force: true });
  }

  /** Every `volumes/<plugin>/<name>` directory of a pod (any of them may be a tmpfs). */
  private volumeDirs(podDir: string): string[] {
    const root = path.join(podDir, 'volumes');
    if (!existsSync(root)) return [];
    return readdirSync(root).flatMap((plugin) => readdirSync(path.join(root, plugin)).map((name) => path.join(root, plugin, name)));
  }

  /** Uids of pods that have a directory here (to clean up those no longer on the node). */
  podUidsOnDisk(): string[] {
    const pods = path.join(this.stateDir, 'pods');
    return existsSync(pods) ? readdirSync(pods).filter((n) => SAFE.test(n)) : [];
  }
}
