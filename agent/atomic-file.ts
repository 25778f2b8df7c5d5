/**
 * Small state files of the agent (restart backoff, the last known services) are written
 * atomically: a temporary file, fsync, rename. A crash or power cut leaves the old file or the
 * new one, never a torn one. By default only the owner can read them. A file the agent writes
 * afresh whenever it needs it (a pod's resolv.conf) skips the fsync (`durable: false`): a power
 * cut may lose it without harm, and on an SD card an fsync holds the agent for tens of ms.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Writes `text` to `file` atomically; throws on failure (the old file is then untouched). */
export function writeFileAtomic(file: string, text: string, mode = 0o600, durable = true): void {
  const tmp = `${file}.tmp`;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, text);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
