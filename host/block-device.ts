/** Linux dev_t → major and minor (glibc's gnu_dev_major/minor), for /sys/dev/block/MAJOR:MINOR. */
import { statSync } from 'node:fs';

export interface DeviceNumbers {
  major: number;
  minor: number;
}

export function splitDev(dev: bigint): DeviceNumbers {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return { major: Number(major), minor: Number(minor) };
}

/** The device holding `path`. */
export function deviceOf(path: string): DeviceNumbers {
  return splitDev(statSync(path, { bigint: true }).dev);
}
