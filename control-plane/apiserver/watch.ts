/**
 * Watch over HTTP: a chunked `application/json` stream of `{"type":…,"object":…}` lines, the
 * headers flushed at once (kubectl waits for them before reading), served from the resource's
 * watch cache (watch-cache.ts), which decides resourceVersion semantics and filtering.
 *
 * - An unusable resourceVersion is an ERROR event in a 200 stream, as the apiserver answers
 *   once a watch is admitted: 410 Gone for one older than the cache's window, 504 Timeout
 *   ("Too large resource version") for one the cache does not reach within 3 s.
 * - Table output (kubectl get -w): one-row Tables, column definitions only in the first event.
 *   Plain JSON output writes the cache's shared JSON of each object, made once for all watchers.
 * - BOOKMARK events every `bookmarkIntervalMs` when `allowWatchBookmarks=true`, carrying the
 *   newest revision the client is caught up to; `sendInitialEvents=true` ends the initial
 *   objects with the `k8s.io/initial-events-end` bookmark.
 * - `timeoutSeconds` ends the stream cleanly; without it a watch lasts 30 to 60 minutes, as
 *   the apiserver's minRequestTimeout spreads reconnections.
 * - Flow control: past `maxBufferedBytes` written and unsent, events wait in the watcher's
 *   small queue in the cache (references, not copies) until the socket drains; a client that
 *   lets that queue overflow is dropped: its stream ends and it watches or lists again.
 */
import type { KubeObject } from '../../api/meta';
import { toApiError, type ApiError } from '../../api/errors';
import type { CacheSubscription, WatchEvent, WatchSink } from './cache-watcher';
import { includeObjectParam, render, type RenderContext } from './object-output';
import { booleanParam } from './request-options';
import { apiVersionOf } from '../registry/resource-info';
import type { RequestScope } from './request-scope';
import type { ResourceTarget } from './router';
import { compileSelection } from '../registry/selection';
import { statusOf } from './status-response';

const MIN_REQUEST_TIMEOUT_MS = 1800_000;
const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/** Watch of one named object: the apiserver turns the name into `metadata.name=<name>`. */
function fieldSelectorFor(query: URLSearchParams, name: string | undefined): string | undefined {
  const given = query.get('fieldSelector') || undefined;
  if (name === undefined) return given;
  const byName = `metadata.name=${name.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=')}`;
  return given ? `${given},${byName}` : byName;
}

function timeoutMsFrom(query: URLSearchParams, random: () => number): number {
  const raw = Number(query.get('timeoutSeconds'));
  if (Number.isFinite(raw) && raw > 0) return raw * 1000;
  return MIN_REQUEST_TIMEOUT_MS * (1 + random());
}

/** Failures of a watch's start that the apiserver reports inside the stream. */
function reportedInStream(err: ApiError): boolean {
  return err.code === 'Gone' || err.code === 'Timeout';
}

export async function serveWatch(scope: RequestScope, target: ResourceTarget): Promise<void> {
  await new WatchStream(scope, target).start();
}

class WatchStream implements WatchSink {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly render: RenderContext;
  private subscription?: CacheSubscription;
  private sentHeaders = false;
  /** A Table event with column definitions has gone out. */
  private sentTable = false;
  private waitingForDrain = false;
  private closed = false;
  private readonly onDrain = (): void => {
    this.waitingForDrain = false;
    this.subscription?.resume();
  };

  constructor(
    private readonly scope: RequestScope,
    private readonly target: ResourceTarget,
  ) {
    this.render = { info: target.info, target: scope.output, includeObject: includeObjectParam(scope.query), now: scope.settings.now() };
  }

  async start(): Promise<void> {
    const { res, query } = this.scope;
    const { info, namespace } = this.target;
    const initialEvents = query.get('sendInitialEvents') === 'true';
    const selection = compileSelection(info.fields, { labelSelector: query.get('labelSelector') || undefined, fieldSelector: fieldSelectorFor(query, this.target.name) });
    res.on('close', () => this.stop());
    try {
      this.subscription = await this.scope.watchCaches.of(info).watch({
        resourceVersion: initialEvents ? undefined : query.get('resourceVersion') ?? undefined,
        filter: { namespace: info.namespaced ? namespace : undefined, selection },
        sink: this,
      });
    } catch (err: unknown) {
      const apiError = toApiError(err);
      if (!reportedInStream(apiError) || this.closed) throw err;
      return this.fail(apiError);
    }
    this.begin();
  }

  send(event: WatchEvent): boolean {
    if (this.closed) return false;
    if (event.json && !this.render.target.as) return this.writeLine(`{"type":"${event.type}","object":${event.json()}}\n`);
    const object = render(event.object, { ...this.render, noHeaders: this.sentTable });
    this.sentTable = this.sentTable || this.render.target.as === 'Table';
    return this.writeLine(JSON.stringify({ type: event.type, object }) + '\n');
  }

  initialEventsEnd(revision: number): boolean {
    if (this.scope.query.get('sendInitialEvents') !== 'true') return true;
    return this.bookmark(revision, { [INITIAL_EVENTS_END]: 'true' });
  }

  /** The cache dropped this watcher: the stream just ends. */
  end(): void {
    this.stop();
  }

  /** After the watch is established: headers out, timers on, events flowing. */
  private begin(): void {
    if (this.closed) return this.subscription?.dispose();
    this.flushHeaders();
    this.timers.push(setTimeout(() => this.stop(), timeoutMsFrom(this.scope.query, Math.random)));
    if (booleanParam(this.scope.query, 'allowWatchBookmarks')) {
      this.timers.push(setInterval(() => this.periodicBookmark(), this.scope.settings.watch.bookmarkIntervalMs));
    }
    this.subscription?.resume();
  }

  private flushHeaders(): void {
    if (this.sentHeaders) return;
    const { res } = this.scope;
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Cache-Control', 'no-cache, private');
    res.flushHeaders();
    this.sentHeaders = true;
  }

  private periodicBookmark(): void {
    if (this.waitingForDrain || !this.subscription) return;
    this.bookmark(this.subscription.bookmarkRevision());
  }

  private bookmark(revision: number, annotations?: Record<string, string>): boolean {
    const metadata: KubeObject['metadata'] = { resourceVersion: String(revision) };
    if (annotations) metadata.annotations = annotations;
    const object = { kind: this.target.info.kind, apiVersion: apiVersionOf(this.target.info), metadata };
    return this.writeLine(JSON.stringify({ type: 'BOOKMARK', object }) + '\n');
  }

  private fail(err: ApiError): void {
    this.flushHeaders();
    this.writeLine(JSON.stringify({ type: 'ERROR', object: statusOf(err) }) + '\n');
    this.stop();
  }

  /** Writes; false once more than `maxBufferedBytes` wait unsent (the cache then holds events until 'drain'). */
  private writeLine(line: string): boolean {
    if (this.closed) return false;
    const { res } = this.scope;
    this.sentHeaders = true;
    res.write(line);
    if (res.writableLength <= this.scope.settings.watch.maxBufferedBytes) return true;
    if (!this.waitingForDrain) {
      this.waitingForDrain = true;
      res.once('drain', this.onDrain);
    }
    return false;
  }

  /** Ends the stream and releases the subscription and timers. Idempotent. */
  private stop(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.length = 0;
    this.subscription?.dispose();
    this.scope.res.off('drain', this.onDrain);
    if (!this.scope.res.writableEnded) this.scope.res.end();
  }
}
