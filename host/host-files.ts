/**
 * Read-only access to the host's /proc, /sys, /boot and /run, rooted so tests can hand the
 * checks a fake tree (`hostFilesAt(tmpdir)`). Nothing here ever writes.
 */
import { existsSync, openSync, readFileSync, readSync, closeSync } from 'node:fs';
import path from 'node:path';

export interface HostFiles {
  /** The file's text, or undefined when it cannot be read. */
  read(file: string): string | undefined;
  exists(file: string): boolean;
  /** Up to `length` first bytes (an ELF header), or undefined. */
  head(file: string, length: number): Buffer | undefined;
}

export function hostFilesAt(root: string = '/'): HostFiles {
  const at = (file: string): string => path.join(root, file);
  return {
    read: (file) => {
      try {
        return readFileSync(at(file), 'utf8');
      } catch {
        return undefined;
      }
    },
    exists: (file) => existsSync(at(file)),
    head: (file, length) => readHead(at(file), length),
  };
}

function readHead(file: string, length: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(length);
    return buf.subarray(0, readSync(fd, buf, 0, length, 0));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
