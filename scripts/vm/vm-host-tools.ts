/**
 * What the host needs to build and boot the VM, checked before anything starts so that a
 * machine without it fails in a line that says what to install (Debian package names).
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Command → the Debian package that provides it. */
export const HOST_TOOLS: Record<string, string> = {
  'qemu-system-x86_64': 'qemu-system-x86',
  'qemu-img': 'qemu-utils',
  debootstrap: 'debootstrap',
  'mkfs.ext4': 'e2fsprogs',
  chroot: 'coreutils',
};

function onPath(cmd: string, dirs: string[]): boolean {
  return dirs.some((dir) => {
    try {
      accessSync(path.join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** PATH and the sbin directories a non-login root shell may lack. */
const SEARCHED = [...(process.env.PATH ?? '').split(':').filter((d) => d !== ''), '/usr/sbin', '/sbin'];

/** Why this host cannot run the VM (missing tools, not root), or undefined when it can. */
export function hostToolsProblem(dirs = SEARCHED, uid = process.getuid?.()): string | undefined {
  if (uid !== 0) return 'must run as root (debootstrap, chroot and the image cache under /var/cache need it)';
  const missing = Object.keys(HOST_TOOLS).filter((cmd) => !onPath(cmd, dirs));
  if (missing.length === 0) return undefined;
  const packages = [...new Set(missing.map((cmd) => HOST_TOOLS[cmd]))];
  return `missing ${missing.join(', ')}: apt-get install ${packages.join(' ')}`;
}
