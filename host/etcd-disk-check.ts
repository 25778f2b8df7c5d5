/**
 * etcd fsyncs its write-ahead log on every write; an SD card takes tens of milliseconds for
 * that and wears out under it. The check measures fsync latency in etcd's data directory, names
 * an SD card (an `mmcblk` device), and prints the etcd settings that reduce writes — the ones
 * deploy/systemd/etcd-sd-card.conf sets — or suggests moving the data to a USB SSD.
 */
import type { CheckResult } from './check-result';
import type { FsyncLatency } from './fsync-latency';
import type { HostFiles } from './host-files';

/** etcd wants wal_fsync_duration_seconds p99 under 10 ms (etcd's hardware guide). */
export const FSYNC_P99_LIMIT_MS = 10;

/**
 * Fewer, larger writes: the backend commits once a second instead of every 100 ms, history is
 * compacted hourly so the database stays small, and snapshots are less frequent.
 */
export const ETCD_SD_CARD_SETTINGS: Readonly<Record<string, string>> = {
  ETCD_BACKEND_BATCH_INTERVAL: '1s',
  ETCD_BACKEND_BATCH_LIMIT: '10000',
  ETCD_AUTO_COMPACTION_MODE: 'periodic',
  ETCD_AUTO_COMPACTION_RETENTION: '1h',
  ETCD_SNAPSHOT_COUNT: '10000',
  ETCD_QUOTA_BACKEND_BYTES: '536870912',
};

/** The block device name under /sys/dev/block/MAJOR:MINOR (a partition's uevent names it). */
export function blockDeviceName(files: HostFiles, major: number, minor: number): string | undefined {
  const uevent = files.read(`/sys/dev/block/${major}:${minor}/uevent`) ?? '';
  return /^DEVNAME=(.+)$/m.exec(uevent)?.[1]?.trim();
}

export interface EtcdDiskFacts {
  dataDir: string;
  /** The data directory's device numbers (stat's dev). */
  major: number;
  minor: number;
  latency: FsyncLatency;
}

function settingsText(): string {
  return Object.entries(ETCD_SD_CARD_SETTINGS).map(([k, v]) => `${k}=${v}`).join(' ');
}

export function checkEtcdDisk(files: HostFiles, facts: EtcdDiskFacts): CheckResult {
  const device = blockDeviceName(files, facts.major, facts.minor) ?? `${facts.major}:${facts.minor}`;
  const sdCard = device.startsWith('mmcblk');
  const p99 = facts.latency.p99Ms.toFixed(1);
  const seen = `fsync in ${facts.dataDir} on ${device}${sdCard ? ' (an SD card)' : ''}: p50 ${facts.latency.p50Ms.toFixed(1)} ms, p99 ${p99} ms over ${facts.latency.samples} writes`;
  const slow = facts.latency.p99Ms > FSYNC_P99_LIMIT_MS;
  if (!slow && !sdCard) return { name: 'etcd-disk', status: 'pass', message: seen };
  const why = slow ? `etcd wants under ${FSYNC_P99_LIMIT_MS} ms` : 'an SD card wears out under etcd\'s writes';
  return {
    name: 'etcd-disk', status: 'warn', message: `${seen}; ${why}`,
    fix: `move etcd's data to a USB SSD, or reduce its writes with these etcd settings (install.sh's /etc/systemd/system/etcd.service.d/pikube-sd-card.conf sets them): ${settingsText()}`,
  };
}
