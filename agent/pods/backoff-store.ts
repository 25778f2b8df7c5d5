/**
 * The container restart backoff of this node, kept in a small JSON file in the agent's state
 * directory so that an agent killed with SIGKILL comes back with every CrashLoopBackOff where
 * it was (the kubelet loses it; we do better because an agent restart is routine on a Pi).
 * Writes are atomic (temporary file, fsync, rename): a crash leaves the old or the new file,
 * never a torn one. A missing or damaged file starts empty.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../atomic-file';
import type { BackoffEntry, BackoffStore } from '../../base/backoff';

const VERSION = 1;

interface FileShape {
  version: number;
  entries: Record<string, BackoffEntry>;
}

function isEntry(value: unknown): value is BackoffEntry {
  const e = value as BackoffEntry | null;
  return typeof e === 'object' && e !== null && Number.isFinite(e.delayMs) && e.delayMs > 0 && Number.isFinite(e.lastUpdate);
}

export class FileBackoffStore implements BackoffStore {
  constructor(private readonly file: string, private readonly log: (message: string) => void = () => undefined) {}

  load(): Map<string, BackoffEntry> {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return new Map();
    }
    try {
      const parsed = JSON.parse(text) as FileShape;
      if (parsed.version !== VERSION || typeof parsed.entries !== 'object' || parsed.entries === null) throw new Error(`unknown format`);
      return new Map(Object.entries(parsed.entries).filter(([, e]) => isEntry(e)).map(([k, e]) => [k, { delayMs: e.delayMs, lastUpdate: e.lastUpdate }]));
    } catch (err) {
      this.log(`ignoring backoff state ${this.file}: ${err instanceof Error ? err.message : String(err)}`);
      return new Map();
    }
  }

  save(entries: ReadonlyMap<string, BackoffEntry>): void {
    const body: FileShape = { version: VERSION, entries: Object.fromEntries(entries) };
    try {
      writeFileAtomic(this.file, JSON.stringify(body));
    } catch (err) {
      // Losing the file only costs the backoff's memory across a restart: never fail a sync for it.
      this.log(`cannot write backoff state ${this.file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
