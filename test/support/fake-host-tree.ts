/** A throwaway directory standing for /: the files a preflight check reads, and nothing else. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hostFilesAt, type HostFiles } from '../../host/host-files';

export interface FakeHostTree {
  root: string;
  files: HostFiles;
  /** Adds or replaces files, paths absolute as on the host. */
  write(entries: Record<string, string | Buffer>): void;
  remove(): void;
}

export function fakeHostTree(entries: Record<string, string | Buffer> = {}): FakeHostTree {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pikube-host-'));
  const write = (more: Record<string, string | Buffer>): void => {
    for (const [file, content] of Object.entries(more)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), content);
    }
  };
  write(entries);
  return { root, files: hostFilesAt(root), write, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** The first bytes of an ELF binary of the given class (for /bin/sh). */
export function elfHeader(bits: 32 | 64): Buffer {
  return Buffer.from([0x7f, 0x45, 0x4c, 0x46, bits === 64 ? 2 : 1, 1, 1, 0]);
}
