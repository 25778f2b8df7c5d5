/**
 * What the VM image carries beyond Debian's packages: the job's two systemd units and their
 * scripts, the 9p modules, and the unit links that make every boot run exactly one job.
 *
 * Boot order: pikube-job-setup.service mounts the job share and the repository (read-only, at
 * the host's own path) and writes /etc/docker/daemon.json when a driver is asked for, all before
 * containerd and docker start; pikube-job.service runs after docker.service has started and
 * powers the VM off when it ends, however it ends. Any failure of either powers off too: the
 * host then finds no exit code and shows the serial console.
 */
import { GUEST_JOB_DIR, JOB_FILES, JOB_TAG, REPO_TAG } from './job-dir';

export interface GuestFile {
  /** Absolute path in the image. */
  path: string;
  content: string;
  mode: number;
}

/** Unit links in the image: `wants` entries to add or drop, units masked. */
export interface UnitLinks {
  enable: { unit: string; target: string }[];
  disable: { unit: string; target: string }[];
  mask: string[];
}

/** 512000 is the largest message size the 6.1 kernel's virtio transport takes: fewer round trips. */
const NINEP_OPTIONS = 'trans=virtio,version=9p2000.L,msize=512000';

const SETUP_SCRIPT = `#!/bin/sh
# Mounts the host's job share and repository, and applies the job's Docker cgroup driver.
# Runs before containerd and docker start (pikube-job-setup.service).
set -eu
job=${GUEST_JOB_DIR}
mkdir -p "$job"
mount -t 9p -o ${NINEP_OPTIONS} ${JOB_TAG} "$job"
repo=$(cat "$job/${JOB_FILES.repo}")
mkdir -p "$repo"
# The host does not change the repository during a run: loose caching is safe and much faster.
mount -t 9p -o ${NINEP_OPTIONS},ro,cache=loose ${REPO_TAG} "$repo"
driver=$(cat "$job/${JOB_FILES.dockerDriver}")
case "$driver" in
  '') ;;
  systemd|cgroupfs)
    mkdir -p /etc/docker
    printf '{"exec-opts":["native.cgroupdriver=%s"]}\\n' "$driver" > /etc/docker/daemon.json ;;
  *) echo "pikube-vm: unknown docker cgroup driver '$driver'" >&2; exit 1 ;;
esac
`;

const RUN_SCRIPT = `#!/bin/bash
# Runs the host's command as root in the repository once docker.service has started; its output
# and exit code go to the job share. The unit powers the VM off when this returns.
job=${GUEST_JOB_DIR}
# Files the command leaves here are copied back to the host (run.js --out-dir).
export PIKUBE_VM_OUT="$job/${JOB_FILES.out}"
cut -d' ' -f1 /proc/uptime > "$job/${JOB_FILES.started}"
code=125
if ! systemctl is-active --quiet docker.service; then
  { echo "pikube-vm: docker.service is not active"
    systemctl status --no-pager docker.service containerd.service
    journalctl -b --no-pager -u docker.service -u containerd.service | tail -n 40
  } > "$job/${JOB_FILES.stderr}" 2>&1
else
  { cd "$(cat "$job/${JOB_FILES.repo}")" && bash "$job/${JOB_FILES.command}"; } \\
    > "$job/${JOB_FILES.stdout}" 2> "$job/${JOB_FILES.stderr}" < /dev/null
  code=$?
fi
echo "$code" > "$job/${JOB_FILES.exitCode}.tmp" && mv "$job/${JOB_FILES.exitCode}.tmp" "$job/${JOB_FILES.exitCode}"
`;

/** poweroff-force: the disk is a throw-away overlay and the job share is written through, so
 * stopping every service in order would only cost time. */
const SETUP_UNIT = `[Unit]
Description=pikube VM job: mount the host's shares, configure Docker
After=local-fs.target systemd-modules-load.service
Before=containerd.service docker.service pikube-job.service
FailureAction=poweroff-force

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/pikube-job-setup
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=multi-user.target
`;

const JOB_UNIT = `[Unit]
Description=pikube VM job: the host's command
Requires=pikube-job-setup.service
Wants=docker.service
After=pikube-job-setup.service docker.service
SuccessAction=poweroff-force
FailureAction=poweroff-force

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/pikube-job-run
Environment=HOME=/root
TimeoutStartSec=infinity
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=multi-user.target
`;

export const GUEST_FILES: GuestFile[] = [
  { path: '/usr/local/sbin/pikube-job-setup', content: SETUP_SCRIPT, mode: 0o755 },
  { path: '/usr/local/sbin/pikube-job-run', content: RUN_SCRIPT, mode: 0o755 },
  { path: '/etc/systemd/system/pikube-job-setup.service', content: SETUP_UNIT, mode: 0o644 },
  { path: '/etc/systemd/system/pikube-job.service', content: JOB_UNIT, mode: 0o644 },
  { path: '/etc/modules-load.d/pikube-9p.conf', content: '9p\n9pnet_virtio\n', mode: 0o644 },
  // An initrd with only what finding the root disk takes: a fifth of the size, seconds less boot.
  { path: '/etc/initramfs-tools/conf.d/pikube-modules.conf', content: 'MODULES=list\n', mode: 0o644 },
  { path: '/etc/initramfs-tools/modules', content: 'virtio_pci\nvirtio_blk\next4\n', mode: 0o644 },
  { path: '/etc/fstab', content: '/dev/vda / ext4 rw,noatime 0 0\n', mode: 0o644 },
  { path: '/etc/hostname', content: 'pikube-vm\n', mode: 0o644 },
  { path: '/etc/hosts', content: '127.0.0.1 localhost\n127.0.1.1 pikube-vm\n::1 localhost ip6-localhost ip6-loopback\n', mode: 0o644 },
];

/**
 * The job units on; etcd.service off (tests start their own etcd on ports of their choosing);
 * no logins and no periodic maintenance in a VM that lives for one job. The NFS units
 * nfs-kernel-server and nfs-common enable are masked: the nfs e2e serves from a namespace of
 * its own, and the agent's NFSv4 mounts need neither rpcbind nor statd; none costs boot time.
 */
export const UNIT_LINKS: UnitLinks = {
  enable: [
    { unit: 'pikube-job-setup.service', target: 'multi-user.target' },
    { unit: 'pikube-job.service', target: 'multi-user.target' },
  ],
  disable: [
    { unit: 'etcd.service', target: 'multi-user.target' },
    { unit: 'e2scrub_reap.service', target: 'multi-user.target' },
  ],
  mask: [
    'getty.target', 'apt-daily.timer', 'apt-daily-upgrade.timer', 'dpkg-db-backup.timer', 'e2scrub_all.timer', 'fstrim.timer',
    'nfs-server.service', 'nfs-blkmap.service', 'nfs-client.target', 'rpcbind.service', 'rpcbind.socket',
  ],
};
