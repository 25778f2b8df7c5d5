import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import { ApiError } from '../../../../api/errors';
import type { KubeObject } from '../../../../api/meta';
import type { ResourceQuota } from '../../../../api/policy-quota-v1';
import { WatchCaches } from '../../../../control-plane/apiserver/watch-caches';
import { AdmissionReads } from '../../../../control-plane/registry/admission-reads';
import type { CachedObjects } from '../../../../control-plane/registry/cached-objects';
import { KINDS, resolveResource } from '../../../../control-plane/registry/kinds';
import { Registry } from '../../../../control-plane/registry/registry';
import { objectKey } from '../../../../control-plane/store/keys';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import { forbiddenMessage } from '../../../support/api-rejection';

/** A memory store that counts the round trips etcd would serve, by call. */
class CountingStore extends MemoryStore {
  readonly calls: string[] = [];
  override async get<T extends KubeObject>(key: string): Promise<T | undefined> {
    this.calls.push(`get ${key}`);
    return super.get<T>(key);
  }
  override async list<T extends KubeObject>(prefix: string, options?: { revision?: number }) {
    this.calls.push(`list ${prefix}`);
    return super.list<T>(prefix, options);
  }
  override async create<T extends KubeObject>(key: string, object: T): Promise<T> {
    this.calls.push(`create ${key}`);
    return super.create(key, object);
  }
  override async update<T extends KubeObject>(key: string, object: T, expectedRevision: number) {
    this.calls.push(`update ${key}`);
    return super.update(key, object, expectedRevision);
  }
  override async delete<T extends KubeObject>(key: string, expectedRevision?: number) {
    this.calls.push(`delete ${key}`);
    return super.delete<T>(key, expectedRevision);
  }
  reads(): string[] {
    return this.calls.filter((c) => c.startsWith('get ') || c.startsWith('list '));
  }
}

/** A watch cache frozen at its last `snapshot()`, as a lagging one would be; `running` false: not started yet. */
class SnapshotCache implements CachedObjects {
  private objects = new Map<string, KubeObject>();
  private revision = 0;
  running = true;
  constructor(private readonly store: MemoryStore) {}
  async snapshot(): Promise<void> {
    const list = await this.store.list<KubeObject>('/');
    this.objects = new Map(list.items.map((o) => [keyOf(o), o]));
    this.revision = list.revision;
  }
  get(_info: unknown, key: string): KubeObject | undefined {
    return this.running ? this.objects.get(key) : undefined;
  }
  namespace(info: { resource: string }, namespace: string) {
    if (!this.running) return undefined;
    const objects = [...this.objects.entries()].filter(([key]) => key.includes(`/${info.resource}/${namespace}/`)).map(([, o]) => o);
    return { objects, revision: this.revision };
  }
}

function keyOf(o: KubeObject): string {
  const info = resolveResource(KINDS, o.kind ?? '');
  assert.ok(info, o.kind);
  return objectKey({ prefix: '/registry' }, info, o.metadata.namespace, o.metadata.name ?? '');
}

function aPod(name: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'busybox', resources: { requests: { cpu: '100m' } } }] } } as Pod;
}

/** A quota as the controller leaves it: status.hard filled, usage counted. */
async function aQuota(registry: Registry, hard: Record<string, string>, used: Record<string, string>, name = 'q'): Promise<void> {
  await registry.create('resourcequotas', 'team', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name }, spec: { hard } });
  await registry.guaranteedUpdate<ResourceQuota>('resourcequotas', 'team', name, (q) => ({ ...q, status: { hard, used } }), { subresource: 'status' });
}

const LIMIT_RANGE = {
  apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr' },
  spec: { limits: [{ type: 'Container', default: { memory: '64Mi' } }] },
};


describe('Admission reads from the watch caches (LimitRanger, ResourceQuota, ServiceAccount)', () => {
  let now: number;
  let store: CountingStore;
  let registry: Registry;
  let cache: SnapshotCache;

  beforeEach(async () => {
    now = Date.parse('2026-12-07T19:00:00Z');
    store = new CountingStore();
    registry = new Registry({ store, now: () => new Date(now) });
    await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    cache = new SnapshotCache(store);
    registry.useCachedObjects(cache);
  });

  it('reads nothing from etcd for a create once the caches hold the namespace, its quota and its LimitRange: one write and one charge', async () => {
    await aQuota(registry, { pods: '5' }, { pods: '0' });
    await registry.create('limitranges', 'team', LIMIT_RANGE);
    await cache.snapshot();
    store.calls.length = 0;
    const pod = await registry.create<Pod>('pods', 'team', aPod('a'));
    assert.equal(pod.spec.containers[0]?.resources?.limits?.memory, '64Mi');
    assert.deepEqual(store.calls, ['update /registry/core/resourcequotas/team/q', 'create /registry/core/pods/team/a']);
  });

  it('enforces a quota created through this registry that the cache has not seen yet, beside one it has', async () => {
    await aQuota(registry, { pods: '100' }, { pods: '0' }, 'roomy');
    await cache.snapshot();
    await aQuota(registry, { pods: '1' }, { pods: '0' });
    store.calls.length = 0;
    await registry.create('pods', 'team', aPod('a'));
    assert.match(await forbiddenMessage(registry.create('pods', 'team', aPod('b'))), /exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1/);
    assert.ok(store.reads().includes('list /registry/core/resourcequotas/team/'));
  });

  it('enforces a quota once the controller has filled its status through this registry, before the cache has seen that', async () => {
    await registry.create('resourcequotas', 'team', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { pods: '1' } } });
    await cache.snapshot(); // a new quota limits nothing until its status is filled
    await registry.guaranteedUpdate<ResourceQuota>('resourcequotas', 'team', 'q', (q) => ({ ...q, status: { hard: { pods: '1' }, used: { pods: '1' } } }), { subresource: 'status' });
    await forbiddenMessage(registry.create('pods', 'team', aPod('a')));
  });

  it('enforces a quota another replica created a moment ago (the live lookup), kept 30 s', async () => {
    await cache.snapshot();
    const other = new Registry({ store, now: () => new Date(now) });
    await aQuota(other, { pods: '1' }, { pods: '1' });
    store.calls.length = 0;
    await forbiddenMessage(registry.create('pods', 'team', aPod('a')));
    await forbiddenMessage(registry.create('pods', 'team', aPod('b')));
    assert.equal(store.reads().filter((r) => r.startsWith('list /registry/core/resourcequotas/')).length, 1);
    now += 31_000;
    await forbiddenMessage(registry.create('pods', 'team', aPod('c')));
    assert.equal(store.reads().filter((r) => r.startsWith('list /registry/core/resourcequotas/')).length, 2);
  });

  it('lets exactly one of two parallel creates take the last slot while the cache shows the quota a charge behind', async () => {
    await aQuota(registry, { pods: '2' }, { pods: '0' });
    await cache.snapshot();
    store.calls.length = 0;
    await registry.create('pods', 'team', aPod('a')); // charged; the cache still says used 0
    const results = await Promise.allSettled([registry.create('pods', 'team', aPod('b')), registry.create('pods', 'team', aPod('c'))]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.match(String(failure.reason), /exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2/);
    assert.deepEqual((await registry.get<ResourceQuota>('resourcequotas', 'team', 'q')).status?.used, { pods: '2' });
    assert.ok(!store.reads().includes('list /registry/core/resourcequotas/team/'), 'the quota was read from the cache');
  });

  it('stops applying a LimitRange deleted through this registry that a live lookup had kept', async () => {
    await cache.snapshot();
    await new Registry({ store }).create('limitranges', 'team', LIMIT_RANGE);
    const first = await registry.create<Pod>('pods', 'team', aPod('a'));
    assert.equal(first.spec.containers[0]?.resources?.limits?.memory, '64Mi');
    await registry.delete('limitranges', 'team', 'lr');
    const second = await registry.create<Pod>('pods', 'team', aPod('b'));
    assert.equal(second.spec.containers[0]?.resources?.limits, undefined);
    await cache.snapshot();
    const third = await registry.create<Pod>('pods', 'team', aPod('c'));
    assert.equal(third.spec.containers[0]?.resources?.limits, undefined);
  });

  it('reads etcd while a kind\'s cache is not running', async () => {
    await registry.create('limitranges', 'team', LIMIT_RANGE);
    cache.running = false;
    store.calls.length = 0;
    await registry.create('pods', 'team', aPod('a'));
    await registry.create('pods', 'team', aPod('b'));
    assert.equal(store.reads().filter((r) => r === 'list /registry/core/limitranges/team/').length, 4); // mutating and validating phase, each create
  });

  it('takes an object by name from the cache, and from etcd when the cache lacks it', async () => {
    const reads = new AdmissionReads({ store, keySpace: { prefix: '/registry' }, cached: () => cache, now: () => now });
    const accounts = registry.info('serviceaccounts');
    await registry.create('serviceaccounts', 'team', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'old' } });
    await cache.snapshot();
    await registry.create('serviceaccounts', 'team', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'new' } });
    store.calls.length = 0;
    assert.equal((await reads.get(accounts, 'team', 'old'))?.metadata.name, 'old');
    assert.deepEqual(store.reads(), []);
    assert.equal((await reads.get(accounts, 'team', 'new'))?.metadata.name, 'new');
    assert.equal(await reads.get(accounts, 'team', 'none'), undefined);
    assert.deepEqual(store.reads(), ['get /registry/core/serviceaccounts/team/new', 'get /registry/core/serviceaccounts/team/none']);
  });
});

describe('Admission reads from the real watch caches', () => {
  it('serves admission from them: a quota and a LimitRange created the moment before a create apply to it', async () => {
    const store = new MemoryStore();
    const registry = new Registry({ store });
    const caches = new WatchCaches((info) => registry.watchSource(info), { log: () => undefined });
    registry.useCachedObjects({
      get: (info, key, start) => caches.of(info).peek(key, start),
      namespace: (info, namespace, start) => caches.of(info).peekNamespace(namespace, start),
    });
    try {
      await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
      await registry.create('pods', 'team', aPod('warm')); // starts the caches of the kinds admission reads
      await aQuota(registry, { pods: '2' }, { pods: '1' });
      await registry.create('limitranges', 'team', LIMIT_RANGE);
      const pod = await registry.create<Pod>('pods', 'team', aPod('a'));
      assert.equal(pod.spec.containers[0]?.resources?.limits?.memory, '64Mi');
      await forbiddenMessage(registry.create('pods', 'team', aPod('b')));
    } finally {
      caches.dispose();
    }
  });
});
