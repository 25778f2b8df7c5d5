/**
 * The garbage collector's watch over every kind of the owner graph, as the kinds come and go
 * (the GraphBuilder's monitors, resynced when discovery changes): each kind's changes map to
 * keys; when the API serves a new kind (a CustomResourceDefinition established, on any
 * replica: the registry follows them through a watch), its informer starts and, once it holds
 * its first list, every object is looked at again — the new kind's, and those of other kinds
 * whose owner references name it, which counted as solid while the kind was unknown. A kind
 * served no more is watched no more (its objects were deleted with its CRD).
 */
import type { KubeObject } from '../../api/meta';
import { toDisposable, type Disposable } from '../../base/disposable';
import type { ChangeType } from '../store/informer';
import type { ApiClient } from './framework/api-client';
import { changesOf, type WatchSource } from './framework/define-controller';
import type { GraphKind, OwnerGraph } from './owner-graph';

/** The keys one change of an object of `kind` concerns. */
export type GraphKeysOf = (kind: GraphKind, object: KubeObject, old: KubeObject | undefined, type: ChangeType) => Iterable<string>;

export function ownerGraphChanges(client: ApiClient, graph: OwnerGraph, keysOf: GraphKeysOf): WatchSource {
  const sourceOf = (kind: GraphKind): WatchSource => changesOf(kind.informer, (object, old, type) => keysOf(kind, object, old, type));
  return {
    subscribe: (enqueue) => followKinds(client, graph, sourceOf, enqueue),
    whenSynced: async (signal) => {
      // One kind after another: one abort listener at a time on the controller's signal.
      for (const kind of graph.kinds) await kind.informer.whenSynced(signal);
    },
    replay: (enqueue) => {
      for (const kind of graph.kinds) sourceOf(kind).replay?.(enqueue);
    },
  };
}

function followKinds(client: ApiClient, graph: OwnerGraph, sourceOf: (kind: GraphKind) => WatchSource, enqueue: (key: string) => void): Disposable {
  const subscriptions = new Map<GraphKind, Disposable>();
  const stopped = new AbortController();
  const follow = (kind: GraphKind): void => void subscriptions.set(kind, sourceOf(kind).subscribe(enqueue));
  for (const kind of graph.kinds) follow(kind);
  const kindsChanged = client.onResourcesChanged(() => {
    const { added, removed } = graph.sync();
    for (const kind of removed) {
      subscriptions.get(kind)?.dispose();
      subscriptions.delete(kind);
    }
    added.forEach(follow);
    if (added.length > 0) void replayOnceSynced(added, graph, sourceOf, enqueue, stopped.signal);
  });
  return toDisposable(() => {
    stopped.abort();
    kindsChanged.dispose();
    for (const subscription of subscriptions.values()) subscription.dispose();
  });
}

/** Once the new kinds' informers hold their first list, every object of every kind is looked at again. */
async function replayOnceSynced(added: GraphKind[], graph: OwnerGraph, sourceOf: (kind: GraphKind) => WatchSource, enqueue: (key: string) => void, signal: AbortSignal): Promise<void> {
  try {
    for (const kind of added) await kind.informer.whenSynced(signal);
  } catch {
    return; // stopped, or the kind went away again before its list
  }
  if (signal.aborted) return;
  for (const kind of graph.kinds) sourceOf(kind).replay?.(enqueue);
}
