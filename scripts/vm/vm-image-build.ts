/**
 * Builds the VM image into a directory: debootstrap a root tree, add the guest files and the
 * host binaries, set the unit links, then pack the tree into a raw ext4 disk (mkfs.ext4 -d)
 * and keep the kernel and initrd beside it for direct boot. Needs root (debootstrap, chroot).
 * The directory ends with exactly IMAGE_FILES; the root tree is removed.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GUEST_FILES, UNIT_LINKS } from './guest-files';
import { signalGroup, spawnGroup } from './group-process';
import { recordGroup, removeTree } from './owned-dir';
import { debootstrapArgs, DISK_SIZE, HOST_BINARIES } from './vm-image-recipe';

export const IMAGE_FILES = { kernel: 'vmlinuz', initrd: 'initrd.img', disk: 'rootfs.raw' } as const;
export const BUILD_LOG = 'build.log';

/** Runs a step in its own process group, recorded in the build directory, logging to the build log. */
async function step(buildDir: string, cmd: string, args: string[], signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  const log = path.join(buildDir, BUILD_LOG);
  writeFileSync(log, `\n$ ${cmd} ${args.join(' ')}\n`, { flag: 'a' });
  const child = spawnGroup(cmd, args, log);
  recordGroup(buildDir, child.pid);
  const stop = (): void => signalGroup(child.pid, 'SIGTERM');
  signal.addEventListener('abort', stop);
  const result = await child.exited.finally(() => signal.removeEventListener('abort', stop));
  signal.throwIfAborted();
  if (result !== 0) throw new Error(`${cmd} failed (${result}); last lines of ${log}:\n${tail(log, 30)}`);
}

function tail(file: string, lines: number): string {
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

function writeGuestFiles(root: string): void {
  for (const file of GUEST_FILES) {
    const target = path.join(root, file.path);
    mkdirSync(path.dirname(target), { recursive: true });
    rmSync(target, { force: true });
    writeFileSync(target, file.content);
    chmodSync(target, file.mode);
  }
}

/** Unit links made by hand, as `systemctl enable/disable/mask` would in the image. */
function linkUnits(root: string): void {
  const etc = path.join(root, 'etc/systemd/system');
  for (const { unit, target } of UNIT_LINKS.enable) {
    mkdirSync(path.join(etc, `${target}.wants`), { recursive: true });
    rmSync(path.join(etc, `${target}.wants`, unit), { force: true });
    symlinkSync(`/etc/systemd/system/${unit}`, path.join(etc, `${target}.wants`, unit));
  }
  for (const { unit, target } of UNIT_LINKS.disable) rmSync(path.join(etc, `${target}.wants`, unit), { force: true });
  for (const unit of UNIT_LINKS.mask) {
    rmSync(path.join(etc, unit), { force: true });
    symlinkSync('/dev/null', path.join(etc, unit));
  }
}

function copyHostBinaries(root: string): void {
  for (const bin of HOST_BINARIES) {
    const target = path.join(root, bin);
    rmSync(target, { force: true });
    copyFileSync(realpathSync(bin), target);
    chmodSync(target, 0o755);
  }
}

/** The image's one kernel and its initrd, copied out of /boot. */
function copyKernel(root: string, buildDir: string): void {
  const boot = path.join(root, 'boot');
  const kernels = readdirSync(boot).filter((n) => n.startsWith('vmlinuz-'));
  if (kernels.length !== 1) throw new Error(`expected one kernel in ${boot}, found: ${kernels.join(', ') || 'none'}`);
  const version = kernels[0].slice('vmlinuz-'.length);
  if (!existsSync(path.join(boot, `initrd.img-${version}`))) throw new Error(`no initrd for kernel ${version}`);
  copyFileSync(path.join(boot, kernels[0]), path.join(buildDir, IMAGE_FILES.kernel));
  copyFileSync(path.join(boot, `initrd.img-${version}`), path.join(buildDir, IMAGE_FILES.initrd));
}

/** Customizes the debootstrapped tree; apt's downloaded packages go, they only fill the disk. */
function customize(root: string): void {
  writeGuestFiles(root);
  linkUnits(root);
  copyHostBinaries(root);
  for (const deb of readdirSync(path.join(root, 'var/cache/apt/archives')).filter((n) => n.endsWith('.deb'))) rmSync(path.join(root, 'var/cache/apt/archives', deb));
}

/** Builds into `buildDir` (an owned directory, see owned-dir.ts). */
export async function buildImage(buildDir: string, signal: AbortSignal): Promise<void> {
  const root = path.join(buildDir, 'rootfs');
  await step(buildDir, 'debootstrap', debootstrapArgs(root), signal);
  customize(root);
  // The initrd again, with the guest files' initramfs settings (it needs no mounts in the chroot).
  await step(buildDir, 'chroot', [root, 'update-initramfs', '-u', '-k', 'all'], signal);
  copyKernel(root, buildDir);
  await step(buildDir, 'mkfs.ext4', ['-q', '-F', '-L', 'pikube-root', '-d', root, path.join(buildDir, IMAGE_FILES.disk), DISK_SIZE], signal);
  await removeTree(root);
}
