/**
 * What etcd's write-ahead log pays on this disk: the time of one small write followed by
 * fdatasync, as etcd's `wal_fsync_duration_seconds` measures it (etcd wants its p99 under
 * 10 ms). The probe file is removed afterwards.
 */
import { closeSync, fdatasyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface FsyncLatency {
  samples: number;
  p50Ms: number;
  p99Ms: number;
}

/** `rounds` writes of 2 KiB (a WAL entry's size order), each followed by fdatasync. */
export function measureFsyncLatency(dir: string, rounds = 30): FsyncLatency {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `.pikube-fsync-probe-${process.pid}`);
  const fd = openSync(file, 'w', 0o600);
  const chunk = Buffer.alloc(2048, 0x61);
  const times: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const start = process.hrtime.bigint();
      writeSync(fd, chunk);
      fdatasyncSync(fd);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  return summarise(times);
}

export function summarise(times: number[]): FsyncLatency {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99) };
}
