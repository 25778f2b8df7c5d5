/**
 * The control plane's only persistence contract. The etcd-backed implementation is
 * etcd-store.ts; everything above it (API server, controllers, node service) uses this.
 *
 * Keys are `/registry/<group>/<resource>/<namespace>/<name>` (group `core` for the core
 * group; cluster-scoped objects have no namespace segment), below a configurable prefix.
 * Values are the objects' JSON. `metadata.resourceVersion` is never stored: it is set on
 * every read from the etcd mod revision of the key.
 */
import type { KubeObject } from '../../api/meta';
import type { ApiError } from '../../api/errors';

/**
 * Checks an object read back from etcd (written, perhaps, by an older version): returns why it
 * is unusable, or undefined. Readers skip what fails it with a logged error, so a bad stored
 * object never reaches a consumer. The store knows keys, not kinds: the API server supplies it.
 * `revision` names the version read: the bytes of a key at one revision never change.
 */
export type StoredObjectCheck = (key: string, object: KubeObject, revision?: number) => string | undefined;

/** A compare-and-swap miss: the key changed (or vanished) since `expectedRevision`. */
export type WriteResult<T extends KubeObject> =
  | { ok: true; object: T }
  | { ok: false; current: T | undefined };

export interface ListResult<T extends KubeObject> {
  items: T[];
  /** The etcd revision the list was read at: a watch from it misses nothing. */
  revision: number;
}

/**
 * One write of a multi-key transaction (`Store.commit`): a create (the key must not exist), an
 * update or a delete (compare-and-swap on the key's mod revision; a delete without revision is
 * unconditional).
 */
export type TxnWrite =
  | { op: 'create'; key: string; object: KubeObject }
  | { op: 'update'; key: string; object: KubeObject; expectedRevision: number }
  | { op: 'delete'; key: string; expectedRevision?: number };

/** All writes applied at `revision`, or none: `failed` names the keys whose condition did not hold. */
export type TxnResult = { ok: true; revision: number } | { ok: false; failed: string[] };

export interface StoreEvent<T extends KubeObject = KubeObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  key: string;
  /** For DELETED, the last stored state, with the deletion's revision as resourceVersion. */
  object: T;
  revision: number;
}

export interface StoreWatch {
  /** Stops the watch and releases its etcd watcher. Idempotent. */
  dispose(): void;
  /**
   * Asks for a progress notification: `onProgress` then reports a revision every event up to
   * which has been delivered (etcd's WatchProgressRequest). Optional for stores that have none.
   */
  requestProgress?(): void;
}

export interface WatchOptions<T extends KubeObject> {
  /** Events with a revision greater than this are delivered (list revision → no gap). */
  afterRevision: number;
  /**
   * Delivers one event. A returned promise is backpressure: up to a bounded number of events
   * queue while it is pending; past that the subscriber is dropped with `Gone` and must re-list.
   */
  onEvent(event: StoreEvent<T>): void | Promise<void>;
  /**
   * Called once when the watch ends on its own: `Gone` (410) when `afterRevision` has been
   * compacted, `ServiceUnavailable` when etcd is lost. No event follows it.
   */
  onError(err: ApiError): void;
  /** Every event up to `revision` has been delivered (an answer to `requestProgress`). */
  onProgress?(revision: number): void;
  signal?: AbortSignal;
}

export interface Store {
  /** Fails with AlreadyExists if the key exists. Returns the object with its resourceVersion. */
  create<T extends KubeObject>(key: string, object: T): Promise<T>;
  get<T extends KubeObject>(key: string): Promise<T | undefined>;
  /**
   * Every object whose key starts with `prefix`, read at one revision: the newest, or
   * `options.revision` (fails once etcd has compacted it, or before it exists).
   */
  list<T extends KubeObject>(prefix: string, options?: { revision?: number }): Promise<ListResult<T>>;
  /** Compare-and-swap on the key's mod revision. */
  update<T extends KubeObject>(key: string, object: T, expectedRevision: number): Promise<WriteResult<T>>;
  /** Compare-and-swap delete; without `expectedRevision`, unconditional. `object` is the deleted state. */
  delete<T extends KubeObject>(key: string, expectedRevision?: number): Promise<WriteResult<T>>;
  /**
   * Applies every write in one etcd transaction, or none (an object and the range allocations
   * it holds). A miss is a value naming the keys whose condition failed.
   */
  commit(writes: readonly TxnWrite[]): Promise<TxnResult>;
  watch<T extends KubeObject>(prefix: string, options: WatchOptions<T>): StoreWatch;
  /** The store's current revision (for watches that start "now"). */
  currentRevision(): Promise<number>;
  close(): Promise<void>;
}
