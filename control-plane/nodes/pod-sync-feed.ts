/**
 * The desired pods of one node, streamed to its session as PodSync messages: the full set
 * first, then only what changed. Changes are read from the shared pod informer; a burst of
 * them (a Deployment scaling up, a namespace being deleted) is coalesced for `coalesceMs`
 * into one message, and a pod changed several times in that window is sent once, as it is now.
 * Level-triggered: at flush time the feed compares the cache with what it last sent.
 */
import type { Pod } from '../../api/core-v1';
import type { PodSync } from '../../proto/generated/pikube/node/v1/PodSync';
import { guarded } from '../reader-guard';
import type { Disposable } from '../../base/disposable';
import { cacheKey, type ChangeHandler } from '../store/informer';

/** The part of the pod informer the feed reads. */
export interface PodCache {
  get(key: string): Pod | undefined;
  list(filter?: (pod: Pod) => boolean): Pod[];
  onChange(handler: ChangeHandler<Pod>): Disposable;
}

export interface PodSyncFeedOptions {
  nodeName: string;
  pods: PodCache;
  send(sync: PodSync): void;
  /** Default 20 ms. */
  coalesceMs?: number;
  /** Where a failed flush is reported. Default console.warn. */
  log?: (message: string) => void;
}

interface Sent {
  uid: string;
  resourceVersion?: string;
}

function encode(pod: Pod): Buffer {
  return Buffer.from(JSON.stringify(pod));
}

export class PodSyncFeed implements Disposable {
  private readonly sent = new Map<string, Sent>();
  private readonly dirty = new Set<string>();
  private subscription?: Disposable;
  private timer?: NodeJS.Timeout;
  private disposed = false;

  constructor(private readonly opts: PodSyncFeedOptions) {}

  /** Sends the full set now and follows changes until disposed. */
  start(): void {
    if (this.disposed || this.subscription) return;
    this.subscription = this.opts.pods.onChange((_type, pod, old) => this.onChange(pod, old));
    const pods = this.opts.pods.list((p) => this.isMine(p));
    for (const pod of pods) this.sent.set(cacheKey(pod), this.sentOf(pod));
    this.opts.send({ full: true, pods_json: pods.map(encode), removed_uids: [] });
  }

  dispose(): void {
    this.disposed = true;
    this.subscription?.dispose();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private isMine(pod: Pod | undefined): pod is Pod {
    return pod !== undefined && pod.spec?.nodeName === this.opts.nodeName;
  }

  private sentOf(pod: Pod): Sent {
    return { uid: pod.metadata.uid ?? '', resourceVersion: pod.metadata.resourceVersion };
  }

  private onChange(pod: Pod, old: Pod | undefined): void {
    if (!this.isMine(pod) && !this.isMine(old) && !this.sent.has(cacheKey(pod))) return;
    this.dirty.add(cacheKey(pod));
    this.timer ??= setTimeout(() => guarded('pod sync feed', this.opts.log ?? console.warn, () => this.flush()), this.opts.coalesceMs ?? 20);
  }

  /** One incremental PodSync for everything dirty; nothing is sent when nothing differs. */
  private flush(): void {
    this.timer = undefined;
    if (this.disposed) return;
    const upserts: Pod[] = [];
    const removed: string[] = [];
    for (const key of this.dirty) this.diff(key, upserts, removed);
    this.dirty.clear();
    if (upserts.length === 0 && removed.length === 0) return;
    this.opts.send({ full: false, pods_json: upserts.map(encode), removed_uids: removed });
  }

  private diff(key: string, upserts: Pod[], removed: string[]): void {
    const current = this.opts.pods.get(key);
    const previous = this.sent.get(key);
    const mine = this.isMine(current);
    if (previous && (!mine || previous.uid !== current.metadata.uid)) {
      removed.push(previous.uid);
      this.sent.delete(key);
    }
    if (!mine) return;
    const last = this.sent.get(key);
    if (last && last.resourceVersion === current.metadata.resourceVersion) return;
    upserts.push(current);
    this.sent.set(key, this.sentOf(current));
  }
}
