import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import { PodSyncFeed, type PodCache } from '../../../../control-plane/nodes/pod-sync-feed';
import { cacheKey, type ChangeHandler, type ChangeType } from '../../../../control-plane/store/informer';
import type { PodSync } from '../../../../proto/generated/pikube/node/v1/PodSync';
import { until } from '../../../../scripts/cluster/wait-until';

/** A hand-written informer stand-in: a map plus synchronous handlers, as the real one calls them. */
class FakePodCache implements PodCache {
  private readonly pods = new Map<string, Pod>();
  private readonly handlers = new Set<ChangeHandler<Pod>>();
  private rv = 1;

  get(key: string): Pod | undefined {
    return this.pods.get(key);
  }
  list(filter?: (pod: Pod) => boolean): Pod[] {
    return [...this.pods.values()].filter((p) => !filter || filter(p));
  }
  onChange(handler: ChangeHandler<Pod>) {
    this.handlers.add(handler);
    return { dispose: () => void this.handlers.delete(handler) };
  }
  put(pod: Pod): Pod {
    const stored = { ...pod, metadata: { ...pod.metadata, resourceVersion: String(++this.rv) } };
    const old = this.pods.get(cacheKey(stored));
    this.pods.set(cacheKey(stored), stored);
    this.emit(old ? 'MODIFIED' : 'ADDED', stored, old);
    return stored;
  }
  remove(pod: Pod): void {
    const old = this.pods.get(cacheKey(pod));
    this.pods.delete(cacheKey(pod));
    if (old) this.emit('DELETED', old, old);
  }
  get subscribers(): number {
    return this.handlers.size;
  }
  private emit(type: ChangeType, pod: Pod, old?: Pod): void {
    for (const h of this.handlers) h(type, pod, old);
  }
}

function aPod(name: string, nodeName?: string, uid = `uid-${name}`): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid }, spec: { containers: [], ...(nodeName ? { nodeName } : {}) } };
}

interface Sent {
  full: boolean;
  pods: string[];
  removed: string[];
}

function recorder() {
  const sent: Sent[] = [];
  const send = (sync: PodSync): void => {
    const pods = (sync.pods_json ?? []).map((b) => (JSON.parse(String(b)) as Pod).metadata.uid ?? '');
    sent.push({ full: sync.full ?? false, pods, removed: [...(sync.removed_uids ?? [])] });
  };
  return { sent, send };
}

describe('PodSyncFeed', () => {
  let feed: PodSyncFeed | undefined;
  afterEach(() => feed?.dispose());

  it('sends the node’s full set first, and only its own pods', () => {
    const cache = new FakePodCache();
    cache.put(aPod('a', 'pi-1'));
    cache.put(aPod('b', 'pi-2'));
    cache.put(aPod('pending'));
    const { sent, send } = recorder();
    feed = new PodSyncFeed({ nodeName: 'pi-1', pods: cache, send });
    feed.start();
    assert.deepEqual(sent, [{ full: true, pods: ['uid-a'], removed: [] }]);
  });

  it('coalesces a burst of changes into one incremental sync, each pod once as it is now', async () => {
    const cache = new FakePodCache();
    const { sent, send } = recorder();
    feed = new PodSyncFeed({ nodeName: 'pi-1', pods: cache, send, coalesceMs: 10 });
    feed.start();
    const a = cache.put(aPod('a', 'pi-1'));
    cache.put({ ...a, metadata: { ...a.metadata, labels: { v: '2' } } });
    cache.put(aPod('b', 'pi-1'));
    cache.put(aPod('c', 'pi-2'));
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    assert.deepEqual(sent[1], { full: false, pods: ['uid-a', 'uid-b'], removed: [] });
  });

  it('sends a removal when a pod is deleted, and nothing for pods it never sent', async () => {
    const cache = new FakePodCache();
    const a = cache.put(aPod('a', 'pi-1'));
    const other = cache.put(aPod('o', 'pi-2'));
    const { sent, send } = recorder();
    feed = new PodSyncFeed({ nodeName: 'pi-1', pods: cache, send, coalesceMs: 5 });
    feed.start();
    cache.remove(other);
    cache.remove(a);
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    assert.deepEqual(sent[1], { full: false, pods: [], removed: ['uid-a'] });
  });

  it('sends a pod when the scheduler binds it to the node', async () => {
    const cache = new FakePodCache();
    const { sent, send } = recorder();
    feed = new PodSyncFeed({ nodeName: 'pi-1', pods: cache, send, coalesceMs: 5 });
    feed.start();
    const pending = cache.put(aPod('a'));
    cache.put({ ...pending, spec: { ...pending.spec, nodeName: 'pi-1' } });
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    assert.deepEqual(sent[1], { full: false, pods: ['uid-a'], removed: [] });
  });

  it('replaces a pod recreated under the same name within one burst: removal of the old uid, upsert of the new', async () => {
    const cache = new FakePodCache();
    const old = cache.put(aPod('web-0', 'pi-1', 'uid-old'));
    const { sent, send } = recorder();
    feed = new PodSyncFeed({ nodeName: 'pi-1', pods: cache, send, coalesceMs: 10 });
    feed.start();
    cache.remove(old);
    cache.put(aPod('web-0', 'pi-1', 'uid-new'));
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    assert.deepEqual(sent[1], { full: false, pods: ['uid-new'], removed: ['uid-old'] });
  });

  it('stops following changes once disposed', async () => {
    const cache = new FakePodCache();
    const { sent, send } = recorder();
    feed = new PodSyncFeed({ nodeName: 'pi-1', pods: cache, send, coalesceMs: 1 });
    feed.start();
    cache.put(aPod('a', 'pi-1'));
    feed.dispose();
    assert.equal(cache.subscribers, 0);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(sent.length, 1);
  });
});
