/**
 * Small state files of the agent (restart backoff, the last known services) are written
 * atomically: a temporary file, fsync, rename. A crash or power cut leaves the old file or the
 * new one, never a torn one. By default only the owner can read them.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Writes `text` to `file` atomically; throws on failure (the old file is then untouched). */
export function writeFileAtomic(file: string, text: string, mode = 0o600): void {
  const tmp = `${file}.tmp`;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
