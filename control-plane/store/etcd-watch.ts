/**
 * One store watch: its own etcd watch stream over a key prefix, from `afterRevision + 1`, with
 * previous values so a DELETED event carries the last state.
 *
 * It does not reconnect by itself (unlike etcd3's Watcher): when the stream is lost the
 * subscriber gets ServiceUnavailable and decides (re-list, or watch again from the last
 * revision it saw). A compacted start revision gets Gone, as Kubernetes answers it.
 */
import type { Etcd3, IDuplexStream, IEvent, IKeyValue, IWatchRequest, IWatchResponse } from 'etcd3';
import { Range } from 'etcd3';
import { ApiError } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import { BoundedDelivery } from './bounded-delivery';
import { decodeObject, tombstone } from './etcd-codec';
import { storeError, unavailable } from './etcd-errors';
import type { StoredObjectCheck, StoreEvent, StoreWatch, WatchOptions } from './store';

type WatchStream = IDuplexStream<IWatchRequest, IWatchResponse>;

interface Progress {
  progress: number;
}

export interface EtcdWatchParams<T extends KubeObject> {
  client: Etcd3;
  prefix: string;
  options: WatchOptions<T>;
  /** Events that may wait for a busy subscriber before it is dropped. */
  bufferSize: number;
  log: (message: string) => void;
  /** Checks each decoded object; failing ones are skipped (a DELETED event gets a tombstone). */
  check?: StoredObjectCheck;
  /** The plain bytes of a stored value (decrypted); throws when they cannot be had. Default: as stored. */
  plain?: (kv: IKeyValue) => Buffer;
  /** Called once when the watch ends, whichever way. */
  onClosed: (watch: EtcdWatch<T>) => void;
}

/** Kubernetes' 410 for a watch that starts before the oldest revision etcd still holds. */
export function tooOldResourceVersion(requested: number, compactRevision: number): ApiError {
  return new ApiError('Gone', `too old resource version: ${requested} (${compactRevision - 1})`);
}

export class EtcdWatch<T extends KubeObject> implements StoreWatch {
  private stream?: WatchStream;
  private closed = false;
  /** Events, and progress revisions in order with them. */
  private readonly delivery: BoundedDelivery<StoreEvent<T> | Progress>;
  private readonly abort = (): void => this.dispose();

  constructor(private readonly params: EtcdWatchParams<T>) {
    const { options, bufferSize, log } = params;
    const deliver = (item: StoreEvent<T> | Progress): void | Promise<void> => ('progress' in item ? options.onProgress?.(item.progress) : options.onEvent(item));
    this.delivery = new BoundedDelivery(bufferSize, deliver, (err) => log(`store watch subscriber failed: ${describe(err)}`));
  }

  /** Opens the stream, unless the signal has already aborted (then it just ends). */
  start(): void {
    const signal = this.params.options.signal;
    if (signal?.aborted) return this.close();
    signal?.addEventListener('abort', this.abort, { once: true });
    void this.open();
  }

  /** Stops the watch without an error callback. Idempotent. */
  dispose(): void {
    if (this.closed) return;
    this.delivery.stop();
    this.close();
  }

  /** Asks etcd for a progress notification on this stream (etcd 3.4+); ignored until the stream is open. */
  requestProgress(): void {
    if (this.closed || !this.stream) return;
    this.stream.write({ progress_request: {} });
  }

  private async open(): Promise<void> {
    try {
      const stream = await this.params.client.watchClient.watch();
      if (this.closed) {
        stream.on('error', () => undefined); // the cancellation's own error
        return endStream(stream);
      }
      this.attach(stream);
    } catch (err) {
      this.fail(storeError(err));
    }
  }

  private attach(stream: WatchStream): void {
    this.stream = stream;
    stream.on('data', (res) => this.onResponse(res));
    stream.on('error', (err) => this.fail(unavailable(`the watch stream failed: ${err.message}`)));
    stream.on('end', () => this.fail(unavailable('etcd ended the watch stream')));
    const range = Range.prefix(this.params.prefix);
    const startRevision = this.params.options.afterRevision + 1;
    stream.write({ create_request: { key: range.start, range_end: range.end, start_revision: startRevision, prev_kv: true } });
  }

  private onResponse(res: IWatchResponse): void {
    if (this.closed) return;
    if (res.canceled) return this.fail(this.cancelReason(res));
    if (!res.created && (res.events ?? []).length === 0) return this.progress(res);
    for (const event of res.events ?? []) {
      if (this.closed) return; // the subscriber disposed the watch from its handler
      const storeEvent = this.toStoreEvent(event);
      if (storeEvent && !this.delivery.push(storeEvent)) return this.dropSlowSubscriber();
    }
  }

  /** An event-less answer is a progress notification: everything up to its revision has come. */
  private progress(res: IWatchResponse): void {
    const revision = Number(res.header?.revision ?? 0);
    if (revision > 0) this.delivery.push({ progress: revision });
  }

  private cancelReason(res: IWatchResponse): ApiError {
    const compacted = Number(res.compact_revision ?? 0);
    if (compacted > 0) return tooOldResourceVersion(this.params.options.afterRevision, compacted);
    return unavailable(`etcd canceled the watch: ${res.cancel_reason || 'no reason given'}`);
  }

  private toStoreEvent(event: IEvent): StoreEvent<T> | undefined {
    const key = event.kv.key.toString('utf8');
    const revision = Number(event.kv.mod_revision);
    if (String(event.type).toUpperCase() === 'DELETE') {
      const object = (event.prev_kv && this.decode(event.prev_kv, revision, event.prev_kv.mod_revision)) || tombstone<T>(key, revision);
      return { type: 'DELETED', key, object, revision };
    }
    const object = this.decode(event.kv, revision);
    if (!object) return undefined;
    const type = event.kv.create_revision === event.kv.mod_revision ? 'ADDED' : 'MODIFIED';
    return { type, key, object, revision };
  }

  private decode(kv: IKeyValue, revision: number, storedAt: string | number = revision): T | undefined {
    try {
      const value = this.params.plain ? this.params.plain(kv) : kv.value;
      return decodeObject<T>(value, revision, this.params.check, kv.key.toString('utf8'), storedAt);
    } catch (err) {
      this.params.log(`store watch: skipping undecodable value of ${kv.key.toString('utf8')} at revision ${revision}: ${describe(err)}`);
      return undefined;
    }
  }

  private dropSlowSubscriber(): void {
    const limit = this.params.bufferSize;
    const err = new ApiError('Gone', `watch dropped: the subscriber fell more than ${limit} events behind; list again and watch from the list's resourceVersion`);
    this.close();
    try {
      this.params.options.onError(err);
    } catch (failure) {
      this.params.log(`store watch subscriber failed: ${describe(failure)}`);
    }
  }

  /** Ends on its own: queued events are still delivered, then onError, then nothing. */
  private fail(err: ApiError): void {
    if (this.closed) return;
    this.close();
    this.delivery.finish(() => this.params.options.onError(err));
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.params.options.signal?.removeEventListener('abort', this.abort);
    if (this.stream) endStream(this.stream);
    this.params.onClosed(this);
  }
}

/**
 * Half-closes before cancelling: etcd3's WatchClient marks its host failed (resetting every
 * connection to it) when a stream that is still writable errors, and cancelling errors it.
 */
function endStream(stream: WatchStream): void {
  stream.end();
  stream.cancel();
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
