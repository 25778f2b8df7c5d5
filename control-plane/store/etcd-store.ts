/**
 * The Store on a real etcd (v3 API, through the etcd3 client's gRPC stubs).
 *
 * - `metadata.resourceVersion` is the key's mod revision, stamped on every read, never stored.
 * - create: one transaction `if create_revision(key) == 0 then put`.
 * - update / conditional delete: `if mod_revision(key) == expected then write else read`, so a
 *   miss returns the current state in the same round trip (a conflict is a value).
 * - list: one range read; its header revision is where a watch resumes without a gap.
 * - Values above etcd's request limit fail with TooLarge before they are sent; values that do
 *   not decode are skipped (with a warning) by list and watch, and fail a get.
 * - With `transformers` (encryption at rest, store/encryption/), values are transformed on their
 *   way to etcd and back here and nowhere else: every reader (informers, the watch cache, the
 *   registry) sees plain objects. A value no provider can read is skipped like an undecodable
 *   one, and its GET answers 500 with the transformer's reason, as kube-apiserver's.
 */
import { CompareResult, CompareTarget, Etcd3, Range } from 'etcd3';
import type { CallContext, ICompare, IKeyValue, IOptions, IRequestOp, ITxnRequest, ITxnResponse } from 'etcd3';
import { ApiError } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import { NextRead } from '../../base/next-read';
import { decodeObject, encodeObject, tombstone } from './etcd-codec';
import { storeError, tooLarge } from './etcd-errors';
import { checkOncePerVersion } from './check-once-per-version';
import { EtcdWatch } from './etcd-watch';
import type { ReadValue, StorageTransformers } from './encryption/value-transformer';
import type { ListResult, Store, StoredObjectCheck, StoreWatch, TxnResult, TxnWrite, WatchOptions, WriteResult } from './store';
import { alreadyExistsAt, checkRevision } from './store-checks';

/** Client TLS for an etcd that requires it (PEM contents, not paths). */
export interface EtcdTls {
  ca: Buffer | string;
  cert?: Buffer | string;
  key?: Buffer | string;
}

export interface EtcdStoreOptions {
  /** Client URLs, all `http://` or all `https://`: `['http://127.0.0.1:2379']`. */
  endpoints: string[];
  tls?: EtcdTls;
  /** How long `EtcdStore.connect` waits for a first answer. Default 5 s. */
  dialTimeoutMs?: number;
  /** Deadline of each store operation, dialling and etcd3's retries included. Default 10 s. */
  requestTimeoutMs?: number;
  /** etcd's `--max-request-bytes`; larger writes fail with TooLarge. Default 1.5 MiB. */
  maxRequestBytes?: number;
  /** Events one watch subscriber may leave unprocessed before it is dropped. Default 1000. */
  watchBufferSize?: number;
  /** Where warnings go (undecodable values, failing subscribers). Default console.warn. */
  log?: (message: string) => void;
  /** Checks each object read (list, watch, get); failing ones are skipped like undecodable values. */
  checkObject?: StoredObjectCheck;
  /** Encryption at rest: the transformer of each key (store/encryption/resource-encryption.ts). */
  transformers?: StorageTransformers;
}

/** An object's bytes as written: plain (what readers get back) and as stored in etcd. */
interface Encoded {
  plain: Buffer;
  stored: Buffer;
}

/** What rewriting one resource's values with the writing provider did (`reencrypt`). */
export interface RewriteResult {
  rewritten: number;
  current: number;
  /** Keys whose values no provider can read, with the reason. */
  failed: { key: string; reason: string }[];
}

export const ETCD_DEFAULT_MAX_REQUEST_BYTES = 1.5 * 1024 * 1024;
const DEFAULT_DIAL_TIMEOUT_MS = 5_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Roughly 5 MB of small objects per subscriber: bounded, yet above any burst a Pi produces. */
const DEFAULT_WATCH_BUFFER = 1_000;
/** A write carries the key up to three times (compare, put, read on miss) plus framing. */
const KEY_COPIES_PER_WRITE = 3;
const REQUEST_FRAMING_BYTES = 256;

/** gRPC channel settings: find a dead etcd on an idle watch, accept lists of any size. */
const CHANNEL_OPTIONS = {
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.max_receive_message_length': -1,
  'grpc.max_reconnect_backoff_ms': 5_000,
};

/** A value rewritten under this many concurrent writes in a row is reported instead. */
const MAX_REWRITE_ATTEMPTS = 10;

/** Asks etcd for nothing but its header (current revision). */
const REVISION_PROBE = { key: Buffer.from([0]), count_only: true };

export class EtcdStore implements Store {
  private readonly client: Etcd3;
  private readonly watches = new Set<StoreWatch>();
  private readonly maxRequestBytes: number;
  private readonly watchBufferSize: number;
  private readonly requestTimeoutMs: number;
  private readonly log: (message: string) => void;
  private readonly check?: StoredObjectCheck;
  private readonly transformers?: StorageTransformers;
  private readonly revisionReads = new NextRead(async () => Number((await this.call((o) => this.client.kv.range(REVISION_PROBE, o))).header.revision));

  constructor(options: EtcdStoreOptions) {
    this.check = options.checkObject && checkOncePerVersion(options.checkObject);
    this.transformers = options.transformers;
    this.client = createEtcdClient(options);
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.maxRequestBytes = options.maxRequestBytes ?? ETCD_DEFAULT_MAX_REQUEST_BYTES;
    this.watchBufferSize = options.watchBufferSize ?? DEFAULT_WATCH_BUFFER;
    this.log = options.log ?? ((message) => console.warn(message));
  }

  /** A store whose etcd has answered; ServiceUnavailable after `dialTimeoutMs` otherwise. */
  static async connect(options: EtcdStoreOptions): Promise<EtcdStore> {
    const store = new EtcdStore(options);
    try {
      await store.revisionWithin(options.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS);
      return store;
    } catch (err) {
      await store.close();
      throw storeError(err);
    }
  }

  async create<T extends KubeObject>(key: string, object: T): Promise<T> {
    const value = this.encode(key, object);
    const res = await this.txn({
      compare: [{ key: Buffer.from(key), target: CompareTarget.Create, result: CompareResult.Equal, create_revision: 0 }],
      success: [{ request_put: { key: Buffer.from(key), value: value.stored } }],
    });
    if (!res.succeeded) throw alreadyExistsAt(key, object);
    return decodeObject<T>(value.plain, res.header.revision);
  }

  async get<T extends KubeObject>(key: string): Promise<T | undefined> {
    const res = await this.call((o) => this.client.kv.range({ key: Buffer.from(key) }, o));
    const kv = res.kvs[0];
    return kv ? this.decodeStrict<T>(kv) : undefined;
  }

  async list<T extends KubeObject>(prefix: string, options: { revision?: number } = {}): Promise<ListResult<T>> {
    const range = Range.prefix(prefix);
    const res = await this.call((o) => this.client.kv.range({ key: range.start, range_end: range.end, revision: options.revision }, o));
    const items = res.kvs.map((kv) => this.decodeLenient<T>(kv)).filter((o): o is T => o !== undefined);
    // The header names etcd's newest revision even for a read at an older one.
    return { items, revision: options.revision ?? Number(res.header.revision) };
  }

  async update<T extends KubeObject>(key: string, object: T, expectedRevision: number): Promise<WriteResult<T>> {
    checkRevision(expectedRevision);
    const value = this.encode(key, object);
    const res = await this.txn({
      compare: [modRevisionIs(key, expectedRevision)],
      success: [{ request_put: { key: Buffer.from(key), value: value.stored } }],
      failure: [readKey(key)],
    });
    if (!res.succeeded) return { ok: false, current: this.currentFrom<T>(res) };
    return { ok: true, object: decodeObject<T>(value.plain, res.header.revision) };
  }

  /** The returned object is the last stored state, with the deletion's revision as resourceVersion. */
  async delete<T extends KubeObject>(key: string, expectedRevision?: number): Promise<WriteResult<T>> {
    if (expectedRevision === undefined) return this.deleteNow<T>(key);
    checkRevision(expectedRevision);
    const res = await this.txn({
      compare: [modRevisionIs(key, expectedRevision)],
      success: [{ request_delete_range: { key: Buffer.from(key), prev_kv: true } }],
      failure: [readKey(key)],
    });
    if (!res.succeeded) return { ok: false, current: this.currentFrom<T>(res) };
    const prev = res.responses[0]?.response_delete_range?.prev_kvs[0];
    return { ok: true, object: this.deletedObject<T>(key, prev, res.header.revision) };
  }

  async commit(writes: readonly TxnWrite[]): Promise<TxnResult> {
    const conditional = writes.filter((w) => w.op !== 'delete' || w.expectedRevision !== undefined);
    const res = await this.txn({
      compare: conditional.map(compareFor),
      success: writes.map((w) => this.requestFor(w)),
      failure: conditional.map((w) => readKey(w.key)),
    });
    if (res.succeeded) return { ok: true, revision: Number(res.header.revision) };
    return { ok: false, failed: conditional.filter((w, i) => !conditionHolds(w, res.responses[i]?.response_range?.kvs[0])).map((w) => w.key) };
  }

  watch<T extends KubeObject>(prefix: string, options: WatchOptions<T>): StoreWatch {
    checkRevision(options.afterRevision, 0);
    const watch = new EtcdWatch<T>({
      client: this.client,
      prefix,
      options,
      bufferSize: this.watchBufferSize,
      log: this.log,
      check: this.check,
      plain: (kv) => this.plain(kv),
      onClosed: (closed) => this.watches.delete(closed),
    });
    this.watches.add(watch);
    watch.start();
    return watch;
  }

  /**
   * Rewrites every value under `prefix` that its transformer reads as stale (not written by the
   * first provider and key) with the writing one: the same plain bytes, nothing decoded or
   * re-serialised, each put by a compare-and-swap on the revision read, so a write racing it is
   * never lost (the value is read again and, written meanwhile with the current key, counted
   * current). Values no provider can read are reported, not touched.
   */
  async rewriteStale(prefix: string): Promise<RewriteResult> {
    const range = Range.prefix(prefix);
    const res = await this.call((o) => this.client.kv.range({ key: range.start, range_end: range.end }, o));
    const result: RewriteResult = { rewritten: 0, current: 0, failed: [] };
    for (const kv of res.kvs) await this.rewriteOne(kv, result);
    return result;
  }

  /** etcd's revision as of this call or later; concurrent callers share reads (base/next-read.ts). */
  currentRevision(): Promise<number> {
    return this.revisionReads.get();
  }

  /** Ends every watch (without onError) and the connection. Idempotent. */
  async close(): Promise<void> {
    for (const watch of [...this.watches]) watch.dispose();
    this.client.close();
  }

  private async deleteNow<T extends KubeObject>(key: string): Promise<WriteResult<T>> {
    const res = await this.call((o) => this.client.kv.deleteRange({ key: Buffer.from(key), prev_kv: true }, o));
    const prev = res.prev_kvs[0];
    if (!prev) return { ok: false, current: undefined };
    return { ok: true, object: this.deletedObject<T>(key, prev, res.header.revision) };
  }

  private async rewriteOne(first: IKeyValue, result: RewriteResult): Promise<void> {
    const key = first.key.toString('utf8');
    const transformer = this.transformers?.forKey(key);
    let kv: IKeyValue | undefined = first;
    for (let attempt = 0; kv && transformer && attempt < MAX_REWRITE_ATTEMPTS; attempt++) {
      let read: ReadValue;
      try {
        read = transformer.fromStorage(kv.value, key);
      } catch (err) {
        result.failed.push({ key, reason: (err as Error).message });
        return;
      }
      if (!read.stale) {
        result.current++;
        return;
      }
      const res = await this.txn({
        compare: [modRevisionIs(key, Number(kv.mod_revision))],
        success: [{ request_put: { key: Buffer.from(key), value: transformer.toStorage(read.plain, key) } }],
        failure: [readKey(key)],
      });
      if (res.succeeded) {
        result.rewritten++;
        return;
      }
      kv = res.responses[0]?.response_range?.kvs[0];
    }
    if (!transformer) result.current++;
    else if (kv) result.failed.push({ key, reason: `changed by other writers ${MAX_REWRITE_ATTEMPTS} times while being rewritten; run again` });
  }

  private requestFor(write: TxnWrite): IRequestOp {
    if (write.op === 'delete') return { request_delete_range: { key: Buffer.from(write.key) } };
    return { request_put: { key: Buffer.from(write.key), value: this.encode(write.key, write.object).stored } };
  }

  private deletedObject<T extends KubeObject>(key: string, prev: IKeyValue | undefined, revision: string): T {
    return (prev && this.decodeLenient<T>(prev, revision, prev.mod_revision)) || tombstone<T>(key, revision);
  }

  private currentFrom<T extends KubeObject>(res: ITxnResponse): T | undefined {
    const kv = res.responses[0]?.response_range?.kvs[0];
    return kv ? this.decodeLenient<T>(kv) : undefined;
  }

  private decodeLenient<T extends KubeObject>(kv: IKeyValue, revision = kv.mod_revision, storedAt: string | number = revision): T | undefined {
    try {
      return decodeObject<T>(this.plain(kv), revision, this.check, kv.key.toString('utf8'), storedAt);
    } catch (err) {
      this.log(`store: skipping undecodable value of ${kv.key.toString('utf8')}: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** A get that cannot decode fails loudly: the caller asked for exactly this object. */
  private decodeStrict<T extends KubeObject>(kv: IKeyValue): T {
    const key = kv.key.toString('utf8');
    let plain: Buffer;
    try {
      plain = this.plain(kv);
    } catch (err) {
      // kube-apiserver's answer to a value no provider can read: the transformer's reason only.
      throw new ApiError('InternalError', `Internal error occurred: ${(err as Error).message}`);
    }
    try {
      return decodeObject<T>(plain, kv.mod_revision, this.check, key);
    } catch (err) {
      throw new ApiError('InternalError', `Internal error occurred: the stored value of ${key} cannot be decoded: ${(err as Error).message}`);
    }
  }

  /** The plain bytes of a stored value; throws when no configured provider can read it. */
  private plain(kv: IKeyValue): Buffer {
    const key = kv.key.toString('utf8');
    const transformer = this.transformers?.forKey(key);
    return transformer ? transformer.fromStorage(kv.value, key).plain : kv.value;
  }

  private encode(key: string, object: KubeObject): Encoded {
    const plain = encodeObject(object);
    const stored = this.transformers?.forKey(key)?.toStorage(plain, key) ?? plain;
    const size = stored.length + KEY_COPIES_PER_WRITE * Buffer.byteLength(key) + REQUEST_FRAMING_BYTES;
    if (size > this.maxRequestBytes) throw tooLarge(`limit is ${this.maxRequestBytes} bytes, the object needs ${size}`);
    return { plain, stored };
  }

  private txn(req: ITxnRequest): Promise<ITxnResponse> {
    return this.call((o) => this.client.kv.txn(req, o));
  }

  /**
   * One store operation, bounded by one deadline however often the client retries it (etcd3
   * retries a failed call up to three times, each with the client's default deadline).
   */
  private async call<R>(op: (options: { deadline: number }) => Promise<R>, timeoutMs = this.requestTimeoutMs): Promise<R> {
    try {
      return await op({ deadline: Date.now() + timeoutMs });
    } catch (err) {
      throw storeError(err);
    }
  }

  private async revisionWithin(ms: number): Promise<number> {
    const res = await this.call((o) => this.client.kv.range(REVISION_PROBE, o), ms);
    return Number(res.header.revision);
  }
}

/**
 * An etcd3 client with the store's settings (TLS, keep-alive, a deadline on every single call),
 * for what needs a client of its own (the leader election's lease must not queue behind lists).
 */
export function createEtcdClient(options: EtcdStoreOptions): Etcd3 {
  return new Etcd3(clientOptions(options));
}

/** Resolves once this one endpoint answers a status call (a member's health, as `etcdctl endpoint health`). */
export async function pingEtcdEndpoint(endpoint: string, timeoutMs: number): Promise<void> {
  const client = createEtcdClient({ endpoints: [endpoint], requestTimeoutMs: timeoutMs });
  try {
    await client.maintenance.status();
  } finally {
    client.close();
  }
}

function clientOptions(options: EtcdStoreOptions): IOptions {
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return {
    hosts: options.endpoints,
    credentials: options.tls && tlsCredentials(options.tls),
    grpcOptions: CHANNEL_OPTIONS,
    // Streams (watches) live as long as they are wanted; single calls get a deadline.
    defaultCallOptions: (ctx: CallContext) => (ctx.isStream ? {} : { deadline: Date.now() + requestTimeoutMs }),
  };
}

function tlsCredentials(tls: EtcdTls): NonNullable<IOptions['credentials']> {
  const pem = (value: Buffer | string | undefined) => (value === undefined ? undefined : Buffer.from(value));
  return { rootCertificate: Buffer.from(tls.ca), privateKey: pem(tls.key), certChain: pem(tls.cert) };
}

function modRevisionIs(key: string, revision: number): ICompare {
  return { key: Buffer.from(key), target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: revision };
}

function compareFor(write: TxnWrite): ICompare {
  if (write.op === 'create') return { key: Buffer.from(write.key), target: CompareTarget.Create, result: CompareResult.Equal, create_revision: 0 };
  checkRevision(write.expectedRevision ?? 0);
  return modRevisionIs(write.key, write.expectedRevision ?? 0);
}

/** Whether a write's condition holds for the key as read after the transaction failed. */
function conditionHolds(write: TxnWrite, kv: IKeyValue | undefined): boolean {
  if (write.op === 'create') return kv === undefined;
  return kv !== undefined && Number(kv.mod_revision) === write.expectedRevision;
}

function readKey(key: string): IRequestOp {
  return { request_range: { key: Buffer.from(key) } };
}

