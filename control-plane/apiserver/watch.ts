/**
 * Watch over HTTP: a chunked `application/json` stream of `{"type":…,"object":…}` lines, the
 * headers flushed at once (kubectl waits for them before reading). Selectors, resourceVersion
 * semantics and the 410 for a compacted start come from the registry's watch; here:
 *
 * - Table output (kubectl get -w): one-row Tables, column definitions only in the first event.
 * - BOOKMARK events every `bookmarkIntervalMs` when `allowWatchBookmarks=true`, carrying the
 *   newest revision delivered; `sendInitialEvents=true` ends the initial objects with the
 *   `k8s.io/initial-events-end` bookmark.
 * - `timeoutSeconds` ends the stream cleanly; without it a watch lasts 30 to 60 minutes, as
 *   the apiserver's minRequestTimeout spreads reconnections.
 * - A client that leaves more than `maxBufferedBytes` unread is dropped (it must re-list), so
 *   memory stays bounded; a client that goes away releases the etcd watch at once.
 */
import type { KubeObject } from '../../api/meta';
import { toApiError, type ApiError } from '../../api/errors';
import { includeObjectParam, render, type RenderContext } from './object-output';
import type { RegistryWatch, RegistryWatchEvent } from './registry-watch';
import { booleanParam } from './request-options';
import { apiVersionOf } from './resource-info';
import type { RequestScope } from './request-scope';
import type { ResourceTarget } from './router';
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

export async function serveWatch(scope: RequestScope, target: ResourceTarget): Promise<void> {
  await new WatchStream(scope, target).start();
}

class WatchStream {
  private readonly abort = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly render: RenderContext;
  private watch?: RegistryWatch;
  private lastRevision = 0;
  private sentHeaders = false;
  /** A Table event with column definitions has gone out. */
  private sentTable = false;
  private closed = false;

  constructor(
    private readonly scope: RequestScope,
    private readonly target: ResourceTarget,
  ) {
    this.render = { info: target.info, target: scope.output, includeObject: includeObjectParam(scope.query), now: scope.settings.now() };
  }

  async start(): Promise<void> {
    const { res, query } = this.scope;
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Cache-Control', 'no-cache, private');
    res.on('close', () => this.stop());
    const initialEvents = query.get('sendInitialEvents') === 'true';
    this.watch = await this.scope.registry.watch<KubeObject>(this.target.info, {
      namespace: this.target.namespace,
      labelSelector: query.get('labelSelector') || undefined,
      fieldSelector: fieldSelectorFor(query, this.target.name),
      resourceVersion: initialEvents ? undefined : query.get('resourceVersion') ?? undefined,
      onEvent: (event) => this.send(event),
      onError: (err) => this.fail(err),
      signal: this.abort.signal,
    });
    this.begin(initialEvents);
  }

  /** After the watch is established: headers out, timers on. */
  private begin(initialEvents: boolean): void {
    if (this.closed) return this.watch?.dispose();
    this.lastRevision = Math.max(this.lastRevision, this.watch?.startRevision ?? 0);
    if (!this.sentHeaders) this.scope.res.flushHeaders();
    this.sentHeaders = true;
    if (initialEvents) this.bookmark({ [INITIAL_EVENTS_END]: 'true' });
    this.timers.push(setTimeout(() => this.stop(), timeoutMsFrom(this.scope.query, Math.random)));
    if (booleanParam(this.scope.query, 'allowWatchBookmarks')) {
      this.timers.push(setInterval(() => this.bookmark(), this.scope.settings.watch.bookmarkIntervalMs));
    }
  }

  private send(event: RegistryWatchEvent): void {
    this.lastRevision = Math.max(this.lastRevision, event.revision);
    const object = render(event.object, { ...this.render, noHeaders: this.sentTable });
    this.sentTable = this.sentTable || this.render.target.as === 'Table';
    this.write({ type: event.type, object });
  }

  private bookmark(annotations?: Record<string, string>): void {
    const metadata: KubeObject['metadata'] = { resourceVersion: String(this.lastRevision) };
    if (annotations) metadata.annotations = annotations;
    this.write({ type: 'BOOKMARK', object: { kind: this.target.info.kind, apiVersion: apiVersionOf(this.target.info), metadata } });
  }

  private fail(err: ApiError): void {
    this.write({ type: 'ERROR', object: statusOf(toApiError(err)) });
    this.stop();
  }

  private write(frame: object): void {
    if (this.closed) return;
    const { res } = this.scope;
    this.sentHeaders = true;
    res.write(JSON.stringify(frame) + '\n');
    if (res.writableLength > this.scope.settings.watch.maxBufferedBytes) this.stop();
  }

  /** Ends the stream and releases the watch and timers. Idempotent. */
  private stop(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.abort.abort();
    this.watch?.dispose();
    if (!this.scope.res.writableEnded) this.scope.res.end();
  }
}
