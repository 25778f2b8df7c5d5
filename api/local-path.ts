/**
 * The local-path volumes' contract between the agent and the control plane's provisioner: each
 * agent announces the directory its volumes live in (a Node annotation, like k3s'
 * `--default-local-storage-path`), the provisioner names a volume's directory under it
 * (`pvc-<uid>_<namespace>_<name>`, k3s' layout), and the agent acts only on directories that
 * are direct children of its own, so a PersistentVolume written by hand can never make it
 * create or remove anything elsewhere.
 */
import * as path from 'node:path';

export const LOCAL_PATH_DIR_ANNOTATION = 'pikube.dev/local-path-dir';
/** The provisioner of the default `local-path` class (control-plane/storage/default-storage-class.ts says why this name). */
export const LOCAL_PATH_PROVISIONER = 'pikube.dev/local-path';
/** pv.kubernetes.io/provisioned-by: the provisioner that made a PersistentVolume. */
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';

/** The agent's volume directory, under its state directory. */
export function localPathDir(stateDir: string): string {
  return path.join(path.resolve(stateDir), 'storage');
}

/** The directory of one provisioned volume. */
export function localPathVolumeDir(baseDir: string, claim: { uid: string; namespace: string; name: string }): string {
  return path.posix.join(baseDir, `pvc-${claim.uid}_${claim.namespace}_${claim.name}`);
}

/** Whether `dir` is a volume directory directly under `baseDir` (normalised, no `..`). */
export function isLocalPathVolumeDir(baseDir: string, dir: string): boolean {
  const normal = path.posix.normalize(dir);
  return normal === dir && path.posix.dirname(normal) === path.posix.normalize(baseDir) && /^pvc-[^/]+$/.test(path.posix.basename(normal));
}
