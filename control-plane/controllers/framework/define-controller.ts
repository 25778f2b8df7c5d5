/**
 * A controller as a declaration (sample-controller's shape, STYLE rule 10a): what it watches
 * and how each change maps to queue keys, and a level-triggered `reconcile(key)` that reads
 * desired and observed state, converges, and returns `{ requeueAfterMs }` when time must pass.
 * The framework owns the rest: subscriptions (released on stop), waiting for the caches, one
 * first pass over everything cached (as a fresh informer's ADDED events would give), the work
 * queue with per-key backoff, expectations wired to the queue, and error logging. A Conflict
 * is a stale read, not a failure: it requeues with backoff, quietly (STYLE rule 6).
 */
import { setMaxListeners } from 'node:events';
import { isApiError } from '../../../api/errors';
import type { KubeObject } from '../../../api/meta';
import type { Clock } from '../../../base/clock';
import type { FencingTimes } from '../../../base/fencing-times';
import type { DisruptionSettings } from '../node-disruption-plan';
import { DisposableStore, toDisposable, type Disposable } from '../../../base/disposable';
import type { Authorizer } from '../../auth/authorizer';
import type { KeyPair } from '../../auth/pki';
import { logText } from '../../log-text';
import type { ChangeType, Informer } from '../../store/informer';
import type { ApiClient, EventSink } from './api-client';
import { Expectations } from './expectations';
import type { SharedInformers } from './informer-factory';
import type { NodeReachability } from '../../nodes/node-reachability';
import { WorkQueue, type Reconcile, type WorkQueueOptions } from './work-queue';

/** What every controller is started with (the leader's, or a test's over the in-memory store). */
export interface ControllerContext {
  client: ApiClient;
  informers: SharedInformers;
  clock: Clock;
  /** An event sink reporting as `component` (`endpoint-controller`, `default-scheduler`...). */
  events(component: string): EventSink;
  /** Whether nodes are reachable (this replica's sessions, or the replicas' shared view). */
  liveness: NodeReachability;
  /** How long agents keep at-most-one pods without a control plane, and the margin after it; absent: the defaults. */
  fencing?: FencingTimes;
  /** Zone states and eviction rates of the node lifecycle controller; absent: the defaults. */
  disruption?: DisruptionSettings;
  /** The cluster CA certificate (PEM) the root-CA publisher puts in every namespace; absent: nothing is published. */
  clusterCACertPem?: string;
  /** The cluster CA with its key, for the CSR signer; absent: no certificate is signed. */
  clusterCA?: KeyPair;
  /** The API's authorizer, for SubjectAccessReviews (the CSR approver); absent: nothing is auto-approved. */
  authorizer?: Authorizer;
  log(message: string): void;
}

/** A source of keys: an informer's changes, or anything else that can say "look at this key again". */
export interface WatchSource {
  /** Enqueues the keys each change maps to, until disposed. */
  subscribe(enqueue: (key: string) => void): Disposable;
  /** Resolves once the source's cache holds a first full list. */
  whenSynced?(signal: AbortSignal): Promise<void>;
  /** Enqueues the keys of everything cached (the start of a leadership term). */
  replay?(enqueue: (key: string) => void): void;
}

/** Maps one change of an object to the keys it concerns; `old` is the state before it (none when ADDED). */
export type KeysOf<T> = (object: T, old: T | undefined, type: ChangeType) => Iterable<string>;

/** The keys an informer's changes concern. */
export function changesOf<T extends KubeObject>(informer: Informer<T>, keysOf: KeysOf<T>): WatchSource {
  return {
    subscribe: (enqueue) => informer.onChange((type, object, old) => {
      for (const key of keysOf(object, old, type)) enqueue(key);
    }),
    whenSynced: (signal) => informer.whenSynced(signal),
    replay: (enqueue) => {
      for (const object of informer.list()) for (const key of keysOf(object, undefined, 'ADDED')) enqueue(key);
    },
  };
}

/** The queue a controller may feed from outside its watches (a write that finishes later). */
export type ControllerQueue = Pick<WorkQueue, 'add' | 'addAfter' | 'addRateLimited'>;

export interface ControllerSetup extends ControllerContext {
  queue: ControllerQueue;
  /** Expectations on an informer's objects; a key they release is enqueued (and `onSatisfied` told). */
  expectations<T extends KubeObject>(informer: Informer<T>, onSatisfied?: (key: string) => void): Expectations<T>;
}

export interface ControllerSpec {
  watches: readonly WatchSource[];
  reconcile: Reconcile;
}

export interface ControllerDeclaration {
  /** As Kubernetes names it: `endpoint-controller`, `node-lifecycle-controller`. */
  name: string;
  /** Who its writes are recorded as in managedFields (field-managed-client.ts); default `kube-controller-manager`. */
  fieldManager?: string;
  queue?: Pick<WorkQueueOptions, 'workers' | 'baseDelayMs' | 'maxDelayMs'>;
  setup(ctx: ControllerSetup): ControllerSpec;
}

export interface Controller {
  readonly name: string;
  /** Who its writes are recorded as; undefined: `kube-controller-manager`. */
  readonly fieldManager?: string;
  /** Runs until `signal` aborts; resolves once stopped, every subscription and timer released. */
  run(ctx: ControllerContext, signal: AbortSignal): Promise<void>;
}

export function defineController(declaration: ControllerDeclaration): Controller {
  return { name: declaration.name, fieldManager: declaration.fieldManager, run: (ctx, signal) => runController(declaration, ctx, signal) };
}

async function runController(declaration: ControllerDeclaration, ctx: ControllerContext, outer: AbortSignal): Promise<void> {
  if (outer.aborted) return;
  const lifetime = new DisposableStore();
  // One listener on the leader's signal per controller; its watches and workers listen to this one.
  const signal = lifetime.add(childSignal(outer)).signal;
  let spec: ControllerSpec | undefined;
  const queue = new WorkQueue((key, s) => (spec ? spec.reconcile(key, s) : Promise.resolve()), {
    ...declaration.queue, clock: ctx.clock, onError: (key, err) => reportFailure(declaration.name, ctx, key, err),
  });
  const expectations = <T extends KubeObject>(informer: Informer<T>, onSatisfied?: (key: string) => void): Expectations<T> =>
    lifetime.add(new Expectations(informer, { clock: ctx.clock, onSatisfied: (key) => (onSatisfied?.(key), queue.add(key)) }));
  try {
    spec = declaration.setup({ ...ctx, queue, expectations });
    const enqueue = (key: string): void => queue.add(key);
    for (const watch of spec.watches) lifetime.add(watch.subscribe(enqueue));
    if (!(await synced(spec.watches, signal))) return;
    for (const watch of spec.watches) watch.replay?.(enqueue);
    await queue.run(signal);
  } finally {
    lifetime.dispose();
  }
}

/** False when `signal` aborted (or a cache was disposed) before every source synced. */
async function synced(watches: readonly WatchSource[], signal: AbortSignal): Promise<boolean> {
  // One abort listener per source while it syncs (each released once synced): the garbage
  // collector watches every served kind, more than Node's default of 10 listeners.
  setMaxListeners(Math.max(10, watches.length + 10), signal);
  try {
    await Promise.all(watches.map((w) => w.whenSynced?.(signal)));
    return !signal.aborted;
  } catch {
    return false;
  }
}

function reportFailure(name: string, ctx: ControllerContext, key: string, err: unknown): void {
  if (isApiError(err, 'Conflict')) return;
  ctx.log(`${name}: ${logText(key)}: ${logText(err)}`);
}

/** A signal that aborts with `outer`, releasing its listener on dispose. */
function childSignal(outer: AbortSignal): Disposable & { signal: AbortSignal } {
  const child = new AbortController();
  const abort = (): void => child.abort(outer.reason);
  outer.addEventListener('abort', abort, { once: true });
  return { signal: child.signal, dispose: () => outer.removeEventListener('abort', abort) };
}

/** A WatchSource from a listener registration (returns its unsubscribe function). */
export function listenerSource(register: (listener: (key: string) => void) => () => void): WatchSource {
  return { subscribe: (enqueue) => toDisposable(register(enqueue)) };
}
