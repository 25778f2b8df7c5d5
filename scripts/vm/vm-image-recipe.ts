/**
 * What the VM image is made of: a Debian bookworm (Raspberry Pi OS's base) with systemd, Docker
 * as Debian ships it, etcd, the tools pikube's agent and tests call, a kernel, and the host's own
 * node and kubectl binaries. Changing anything here changes the image's cache key (vm-image-key.ts).
 */
export const SUITE = 'bookworm';
/** The one outside host the build talks to (through debootstrap); the VM itself has no network. */
export const MIRROR = 'http://deb.debian.org/debian';
export const VARIANT = 'minbase';

/**
 * udev: device units for the root disk (without it systemd waits on them); libstdc++6: the host's
 * node links against it; the rest is what the agent and its tests run (dockerd, ip, iptables,
 * nsenter, busctl, busybox for the test image, etcd). nfs-kernel-server: mount.nfs for the
 * agent's nfs volumes (its nfs-common, as on a Pi) and rpc.nfsd, rpc.mountd and exportfs for the
 * NFS server the nfs e2e starts in a namespace of its own (Debian's kernel has both NFS sides).
 */
export const PACKAGES = [
  'systemd-sysv', 'udev', 'dbus', 'docker.io', 'containerd', 'runc', 'iptables', 'iproute2', 'busybox-static',
  'etcd-server', 'kmod', 'util-linux', 'procps', 'linux-image-amd64', 'libstdc++6', 'nfs-kernel-server',
];

/** Host files copied into the image at the same paths (symlinks resolved: kubectl is one). */
export const HOST_BINARIES = ['/usr/bin/node', '/usr/bin/kubectl'];

/** The disk's size; the raw file is sparse and runs write to an overlay, so unused space costs nothing. */
export const DISK_SIZE = '8G';

/** What debootstrap runs: `debootstrap <args>`. */
export function debootstrapArgs(target: string): string[] {
  return [`--variant=${VARIANT}`, `--include=${PACKAGES.join(',')}`, SUITE, target, MIRROR];
}
