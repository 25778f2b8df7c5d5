/**
 * A watch of one resource (optionally one namespace) with Kubernetes' semantics on top of the
 * Store's key-prefix watch:
 *
 * - resourceVersion unset or "0": the current matching objects arrive first as synthetic
 *   ADDED events, then every change after the revision they were read at.
 * - a resourceVersion N: every change after N (410 Gone through onError when compacted).
 * - selectors: an object that starts matching arrives as ADDED, one that stops matching as
 *   DELETED (with its new state), as the watch cache reports them.
 *
 * Membership is tracked per watcher (the keys the client was told exist). A watch from N with
 * selectors seeds it from the objects matching now, which is exact when the watch follows
 * its list immediately (kubectl, informers); a transition in between can go unreported, the
 * price of the Store's events carrying no previous object.
 */
import { badRequest, type ApiError } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import type { Store, StoreEvent, StoreWatch } from '../store/store';
import type { Selection } from './selection';

export interface RegistryWatchEvent<T extends KubeObject = KubeObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: T;
  /** The revision of the change (for bookmarks and resumption). */
  revision: number;
}

export interface WatchStart<T extends KubeObject> {
  store: Store;
  prefix: string;
  selection: Selection;
  resourceVersion?: string;
  /** Called in revision order; must not throw. */
  onEvent(event: RegistryWatchEvent<T>): void;
  /** The watch ended on its own (Gone, etcd lost); nothing follows. */
  onError(err: ApiError): void;
  signal?: AbortSignal;
}

/** A watch resourceVersion: undefined for "now, with the current state first". */
export function parseWatchResourceVersion(rv: string | undefined): number | undefined {
  if (rv === undefined || rv === '' || rv === '0') return undefined;
  if (!/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${JSON.stringify(rv)}`);
  return Number(rv);
}

export interface RegistryWatch extends StoreWatch {
  /** Events after this revision follow; a bookmark may name it before any event. */
  readonly startRevision: number;
}

export async function startRegistryWatch<T extends KubeObject>(start: WatchStart<T>): Promise<RegistryWatch> {
  const from = parseWatchResourceVersion(start.resourceVersion);
  const known = new Set<string>();
  const needsSnapshot = from === undefined || !start.selection.everything;
  const snapshot = needsSnapshot ? await start.store.list<T>(start.prefix) : undefined;
  const current = (snapshot?.items ?? []).filter((o) => start.selection.matches(o));
  for (const o of current) known.add(identity(o));
  if (from === undefined) for (const o of current) start.onEvent({ type: 'ADDED', object: o, revision: Number(o.metadata.resourceVersion) });
  const startRevision = from ?? snapshot?.revision ?? 0;
  const watch = start.store.watch<T>(start.prefix, {
    afterRevision: startRevision,
    onEvent: (event) => translate(event, start, known),
    onError: (err) => start.onError(err),
    signal: start.signal,
  });
  return { startRevision, dispose: () => watch.dispose() };
}

function identity(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

/** Store event → what this watcher's client should hear, given what it has been told. */
function translate<T extends KubeObject>(event: StoreEvent<T>, start: WatchStart<T>, known: Set<string>): void {
  const id = identity(event.object);
  const matches = start.selection.matches(event.object);
  const wasKnown = known.has(id);
  const emit = (type: RegistryWatchEvent['type']): void => start.onEvent({ type, object: event.object, revision: event.revision });
  if (start.selection.everything) return emit(event.type);
  if (event.type === 'DELETED') {
    known.delete(id);
    if (matches || wasKnown) emit('DELETED');
  } else if (matches) {
    known.add(id);
    emit(event.type === 'ADDED' || !wasKnown ? 'ADDED' : 'MODIFIED');
  } else if (wasKnown) {
    known.delete(id);
    emit('DELETED');
  }
}
