/**
 * Readers of stored objects (informer handlers, feed timers, controller and scheduler loops)
 * run where nobody catches an exception: thrown from a timer callback or an event handler, it
 * ends the process. Whatever the typed decoding lets through, or an object written to etcd
 * directly, one malformed object is logged and skipped; every other object is still served.
 */
import { logText } from './log-text';

/** Runs a timer callback or event handler; a throw is logged, never rethrown. */
export function guarded(what: string, log: (message: string) => void, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    log(`${what} failed: ${logText(err instanceof Error ? (err.stack ?? err.message) : err, 2048)}`);
  }
}

/** What `read` makes of each item; an item it throws on is handed to `skipped` and left out. */
export function readEach<I, R>(items: Iterable<I>, read: (item: I) => R | undefined, skipped: (item: I, err: unknown) => void): R[] {
  const results: R[] = [];
  for (const item of items) {
    try {
      const result = read(item);
      if (result !== undefined) results.push(result);
    } catch (err) {
      skipped(item, err);
    }
  }
  return results;
}

/**
 * Reports each malformed object once per resourceVersion (a loop that meets it every few
 * seconds must not flood the log); bounded, so a Pi's memory stays bounded too.
 */
export class SkipReporter {
  private readonly seen = new Set<string>();

  constructor(private readonly what: string, private readonly log: (message: string) => void, private readonly limit = 1000) {}

  report(object: { metadata?: { namespace?: unknown; name?: unknown; resourceVersion?: unknown } }, err: unknown): void {
    const meta = object.metadata ?? {};
    const name = meta.namespace ? `${String(meta.namespace)}/${String(meta.name)}` : String(meta.name);
    const id = `${name}@${String(meta.resourceVersion)}`;
    if (this.seen.has(id)) return;
    if (this.seen.size >= this.limit) this.seen.clear();
    this.seen.add(id);
    this.log(`${this.what}: skipping malformed object ${logText(name, 300)} (resourceVersion ${logText(meta.resourceVersion, 40)}): ${logText(err)}`);
  }
}
