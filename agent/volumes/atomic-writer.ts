/**
 * Writes a volume's files the way the kubelet's AtomicWriter does (pkg/volume/util/
 * atomic_writer.go), so a reader never sees half an update:
 *
 *   <dir>/..2026_12_07_10_40_00.1234567   the payload, written in full first (dir 0755)
 *   <dir>/..data -> ..2026_12_07_10_40_00.1234567   swapped by renaming `..data_tmp` over it
 *   <dir>/<key>  -> ..data/<key>          one symlink per top-level path of the payload
 *
 * Nothing is written when the payload is what `..data` already holds (contents and modes);
 * paths that left the payload lose their symlink, and the old timestamped directory is
 * removed after the swap. Containers that bind-mount the directory see the new files at
 * once; a `subPath` mount pins the file it was given (no update, as in Kubernetes).
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import path from 'node:path';

export interface FileProjection {
  data: Buffer;
  /** Permission bits, e.g. 0o644. */
  mode: number;
}

/** Relative path in the volume → content. */
export type Payload = Map<string, FileProjection>;

const DATA_DIR = '..data';
const DATA_DIR_TMP = '..data_tmp';

/** The kubelet's rules for a payload path (validatePath): relative, no `..` element, not starting with `..`. */
export function payloadPathProblem(p: string): string | undefined {
  if (p === '') return 'invalid path: must not be empty';
  if (p.length > 4096) return `invalid path: must be less than or equal to 4096 characters`;
  if (path.isAbsolute(p)) return `invalid path: must be relative path: ${p}`;
  if (p.split('/').includes('..')) return `invalid path: must not contain '..': ${p}`;
  if (p.startsWith('..')) return `invalid path: must not start with '..': ${p}`;
  return undefined;
}

/** `..2006_01_02_15_04_05.` in UTC, as Go formats the prefix of the timestamped directory. */
function timestampPrefix(now: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const d = now;
  return `..${d.getUTCFullYear()}_${two(d.getUTCMonth() + 1)}_${two(d.getUTCDate())}_${two(d.getUTCHours())}_${two(d.getUTCMinutes())}_${two(d.getUTCSeconds())}.`;
}

/** A new timestamped directory (os.MkdirTemp: the prefix and a random number), mode 0755. */
function newTimestampDir(dir: string, now: Date): string {
  for (;;) {
    const name = `${timestampPrefix(now)}${randomInt(0, 2 ** 32 - 1)}`;
    try {
      mkdirSync(path.join(dir, name), { mode: 0o700 });
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    chmodSync(path.join(dir, name), 0o755);
    return name;
  }
}

function currentDataDir(dir: string): string | undefined {
  try {
    return readlinkSync(path.join(dir, DATA_DIR));
  } catch {
    return undefined;
  }
}

/** Files under `root`, as relative paths. */
function filesUnder(root: string, prefix = ''): string[] {
  return readdirSync(path.join(root, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? filesUnder(root, rel) : [rel];
  });
}

/** Whether the payload differs from what `..data` holds (a file, its content or mode, or the set of files). */
function differs(dir: string, old: string | undefined, payload: Payload): boolean {
  if (old === undefined || !existsSync(path.join(dir, old))) return true;
  const oldFiles = filesUnder(path.join(dir, old));
  if (oldFiles.length !== payload.size) return true;
  for (const [rel, file] of payload) {
    const full = path.join(dir, old, rel);
    if (!existsSync(full) || (statSync(full).mode & 0o777) !== file.mode || !readFileSync(full).equals(file.data)) return true;
  }
  return false;
}

function writePayload(tsDir: string, payload: Payload): void {
  for (const [rel, file] of payload) {
    const full = path.join(tsDir, rel);
    mkdirSync(path.dirname(full), { recursive: true, mode: 0o755 });
    writeFileSync(full, file.data, { mode: file.mode });
    chmodSync(full, file.mode);
  }
}

const topLevel = (rel: string): string => rel.split('/')[0];

/** One `<name> -> ..data/<name>` per top-level path; user-visible paths no longer in the payload are removed. */
function syncUserVisible(dir: string, payload: Payload): void {
  const wanted = new Set([...payload.keys()].map(topLevel));
  for (const name of wanted) {
    const link = path.join(dir, name);
    if (!isSymlink(link)) symlinkSync(path.join(DATA_DIR, name), link);
  }
  for (const name of readdirSync(dir)) {
    if (name.startsWith('..') || wanted.has(name)) continue;
    if (isSymlink(path.join(dir, name))) unlinkSync(path.join(dir, name));
  }
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Makes `dir` (which exists) hold exactly `payload`; returns whether anything was written. */
export function writeAtomically(dir: string, payload: Payload, now: Date = new Date()): boolean {
  for (const rel of payload.keys()) {
    const problem = payloadPathProblem(rel);
    if (problem) throw new Error(problem);
  }
  const old = currentDataDir(dir);
  if (!differs(dir, old, payload)) {
    syncUserVisible(dir, payload);
    return false;
  }
  const tsName = newTimestampDir(dir, now);
  writePayload(path.join(dir, tsName), payload);
  rmSync(path.join(dir, DATA_DIR_TMP), { force: true });
  symlinkSync(tsName, path.join(dir, DATA_DIR_TMP));
  renameSync(path.join(dir, DATA_DIR_TMP), path.join(dir, DATA_DIR));
  syncUserVisible(dir, payload);
  if (old !== undefined && old !== tsName && old.startsWith('..') && !old.includes('/')) rmSync(path.join(dir, old), { recursive: true, force: true });
  return true;
}
