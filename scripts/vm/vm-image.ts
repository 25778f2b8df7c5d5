/**
 * The cached VM image: /var/cache/pikube-vm/<key>/ (vm-image-key.ts) holding the kernel, the
 * initrd and the raw root disk. A missing image is built in `.build-<key>/`, a directory that is
 * also the build's lock, and renamed to `<key>/` only when complete, so a killed build never
 * leaves a broken image; the next run removes it (owned-dir.ts) and builds again. Runs boot
 * the disk through an overlay and never write to it.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildImage, IMAGE_FILES } from './vm-image-build';
import { imageKey } from './vm-image-key';
import { claimDir, isStale, liveOwner, removeOwnedDir, removeStaleDirs } from './owned-dir';

export const CACHE_DIR = '/var/cache/pikube-vm';
const BUILD_PREFIX = '.build-';
const LAST_USED = 'last-used';
/** Images kept: the one in use and the one before (another checkout may still want it). */
const KEEP_IMAGES = 2;

export interface VmImage {
  key: string;
  kernel: string;
  initrd: string;
  disk: string;
}

export interface EnsuredImage {
  image: VmImage;
  /** Seconds spent building, when this run built it. */
  builtSeconds?: number;
}

function imageAt(key: string): VmImage {
  const dir = path.join(CACHE_DIR, key);
  return { key, kernel: path.join(dir, IMAGE_FILES.kernel), initrd: path.join(dir, IMAGE_FILES.initrd), disk: path.join(dir, IMAGE_FILES.disk) };
}

/** Marks the image as used now, for pruning. */
function touch(key: string): void {
  const file = path.join(CACHE_DIR, key, LAST_USED);
  writeFileSync(file, '');
  const now = new Date();
  utimesSync(file, now, now);
}

function lastUsed(key: string): number {
  try {
    return statSync(path.join(CACHE_DIR, key, LAST_USED)).mtimeMs;
  } catch {
    return 0;
  }
}

/** Removes all but the KEEP_IMAGES most recently used images. */
async function prune(): Promise<void> {
  const keys = readdirSync(CACHE_DIR).filter((n) => !n.startsWith('.')).sort((a, b) => lastUsed(b) - lastUsed(a));
  for (const key of keys.slice(KEEP_IMAGES)) await removeOwnedDir(path.join(CACHE_DIR, key));
}

/** Builds the image under its lock directory and publishes it by renaming. */
async function build(key: string, lock: string, log: (line: string) => void, signal: AbortSignal): Promise<number> {
  const started = Date.now();
  log(`building the VM image ${key} (debootstrap from the Debian mirror; a few minutes; log: ${path.join(lock, 'build.log')})`);
  try {
    await buildImage(lock, signal);
    renameSync(lock, path.join(CACHE_DIR, key));
  } catch (err) {
    await removeOwnedDir(lock).catch(() => undefined);
    throw err;
  }
  touch(key);
  await prune();
  return (Date.now() - started) / 1000;
}

/** Waits while another live runner builds the same image; resolves when it is done or has died. */
async function awaitOtherBuild(key: string, lock: string, log: (line: string) => void, signal: AbortSignal): Promise<void> {
  log(`waiting for another run (pid ${liveOwner(lock) ?? '?'}) that is building the VM image ${key}`);
  while (!existsSync(path.join(CACHE_DIR, key)) && existsSync(lock) && !isStale(lock)) {
    signal.throwIfAborted();
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The image for the current recipe, built first when it is not cached. */
export async function ensureImage(log: (line: string) => void, signal: AbortSignal): Promise<EnsuredImage> {
  const key = await imageKey();
  mkdirSync(CACHE_DIR, { recursive: true });
  await removeStaleDirs(CACHE_DIR, BUILD_PREFIX);
  const lock = path.join(CACHE_DIR, `${BUILD_PREFIX}${key}`);
  for (;;) {
    if (existsSync(path.join(CACHE_DIR, key))) {
      touch(key);
      return { image: imageAt(key) };
    }
    if (claimDir(lock)) return { image: imageAt(key), builtSeconds: await build(key, lock, log, signal) };
    if (isStale(lock)) await removeOwnedDir(lock);
    else await awaitOtherBuild(key, lock, log, signal);
  }
}
