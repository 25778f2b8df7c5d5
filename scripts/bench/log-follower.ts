/**
 * Follows the cluster's log files during a benchmark and stamps each new line with the time it
 * was read (seconds since the follower started, to the polling interval): the control plane
 * prints no timestamps (the agents print their own, on the wall clock), and a line such as a
 * dropped session means little without knowing which phase of the benchmark it fell in. `mark`
 * puts the phases on the same clock.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

export interface TimedLine {
  /** Seconds since the follower started. */
  atS: number;
  /** The log's name, or `bench` for a phase mark. */
  source: string;
  line: string;
}

/** Most lines kept: a misbehaving component must not fill the benchmark's memory. */
const MAX_LINES = 500;
/** Stack frames add nothing to a timeline. */
const STACK_FRAME = /^\s+at /;

export class LogFollower {
  private readonly offsets = new Map<string, number>();
  private readonly partial = new Map<string, string>();
  private readonly lines: TimedLine[] = [];
  private readonly start = performance.now();
  private timer?: NodeJS.Timeout;

  /**
   * Lines already in the files are skipped, unless `fromStart` (a fresh cluster's logs, whose
   * startup lines, such as the agents' first full restore, belong to the run: read at the first poll).
   */
  constructor(private readonly files: Record<string, string>, opts: { fromStart?: boolean } = {}) {
    for (const [source, file] of Object.entries(files)) this.offsets.set(source, !opts.fromStart && existsSync(file) ? statSync(file).size : 0);
  }

  /** Reads new lines every `intervalMs` until `stop`. */
  follow(intervalMs: number): void {
    this.timer ??= setInterval(() => this.poll(), intervalMs);
  }

  mark(phase: string): void {
    this.push('bench', phase);
  }

  /** Reads what is left and stops; returns every line, in the order read. */
  stop(): TimedLine[] {
    clearInterval(this.timer);
    this.timer = undefined;
    this.poll();
    return this.lines;
  }

  private poll(): void {
    for (const [source, file] of Object.entries(this.files)) {
      const text = (this.partial.get(source) ?? '') + this.readNew(source, file);
      const complete = text.split('\n');
      this.partial.set(source, complete.pop() ?? '');
      for (const line of complete) if (line.trim() !== '' && !STACK_FRAME.test(line)) this.push(source, line);
    }
  }

  private readNew(source: string, file: string): string {
    if (!existsSync(file)) return '';
    const from = this.offsets.get(source) ?? 0;
    const size = statSync(file).size;
    if (size <= from) return '';
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(Math.min(size - from, 1 << 20));
      const n = readSync(fd, buf, 0, buf.length, from);
      this.offsets.set(source, from + n);
      return buf.subarray(0, n).toString('utf8');
    } finally {
      closeSync(fd);
    }
  }

  private push(source: string, line: string): void {
    if (this.lines.length < MAX_LINES) this.lines.push({ atS: Math.round((performance.now() - this.start) / 100) / 10, source, line });
  }
}
