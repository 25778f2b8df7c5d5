import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../api/meta';
import type { EndpointSlice, Service } from '../../../../api/service-v1';
import { encodeForAgent, ServiceSyncFeed, type ObjectCache } from '../../../../control-plane/nodes/service-sync-feed';
import { cacheKey, type ChangeHandler } from '../../../../control-plane/store/informer';
import type { ServiceSync } from '../../../../proto/generated/pikube/node/v1/ServiceSync';
import { until } from '../../../../scripts/cluster/wait-until';

/** An informer stand-in: a map and synchronous handlers. */
class FakeCache<T extends KubeObject> implements ObjectCache<T> {
  private readonly objects = new Map<string, T>();
  private readonly handlers = new Set<ChangeHandler<T>>();
  private rv = 1;

  get(key: string): T | undefined {
    return this.objects.get(key);
  }
  list(): T[] {
    return [...this.objects.values()];
  }
  onChange(handler: ChangeHandler<T>) {
    this.handlers.add(handler);
    return { dispose: () => void this.handlers.delete(handler) };
  }
  put(object: T): void {
    const stored = { ...object, metadata: { ...object.metadata, resourceVersion: String(++this.rv) } };
    const old = this.objects.get(cacheKey(stored));
    this.objects.set(cacheKey(stored), stored);
    for (const h of this.handlers) h(old ? 'MODIFIED' : 'ADDED', stored, old);
  }
  remove(key: string): void {
    const old = this.objects.get(key);
    this.objects.delete(key);
    if (old) for (const h of this.handlers) h('DELETED', old, old);
  }
  /** A change event for an object whose stored state did not change (a resync). */
  touch(key: string): void {
    const o = this.objects.get(key);
    if (o) for (const h of this.handlers) h('MODIFIED', o, o);
  }
}

function aService(name: string, namespace = 'default'): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { clusterIP: '10.43.0.10', ports: [{ port: 80 }] } };
}

function aSlice(name: string, namespace = 'default'): EndpointSlice {
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, namespace }, addressType: 'IPv4', endpoints: [] };
}

interface Seen {
  full: boolean;
  services: string[];
  slices: string[];
  removedServices: string[];
  removedSlices: string[];
}

function names(list: (Buffer | Uint8Array | string)[] | undefined): string[] {
  return (list ?? []).map((b) => (JSON.parse(Buffer.from(b as Uint8Array).toString()) as KubeObject).metadata.name ?? '');
}

function setUp() {
  const services = new FakeCache<Service>();
  const slices = new FakeCache<EndpointSlice>();
  const sent: Seen[] = [];
  const send = (s: ServiceSync): void => void sent.push({
    full: s.full ?? false, services: names(s.services_json), slices: names(s.endpoint_slices_json),
    removedServices: [...(s.removed_services ?? [])], removedSlices: [...(s.removed_endpoint_slices ?? [])],
  });
  const feed = new ServiceSyncFeed({ services, slices, send, coalesceMs: 5 });
  return { services, slices, sent, feed };
}

describe('ServiceSyncFeed', () => {
  it('sends every service and slice of every namespace first, as one full sync', () => {
    const { services, slices, sent, feed } = setUp();
    services.put(aService('web'));
    services.put(aService('db', 'prod'));
    slices.put(aSlice('web-abc'));
    feed.start();
    assert.deepEqual(sent, [{ full: true, services: ['web', 'db'], slices: ['web-abc'], removedServices: [], removedSlices: [] }]);
    feed.dispose();
  });

  it('coalesces a burst into one incremental sync with upserts and removals by namespace/name', async () => {
    const { services, slices, sent, feed } = setUp();
    services.put(aService('old'));
    feed.start();
    services.put(aService('web'));
    services.put(aService('web'));
    slices.put(aSlice('web-abc'));
    services.remove('default/old');
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    assert.deepEqual(sent[1], { full: false, services: ['web'], slices: ['web-abc'], removedServices: ['default/old'], removedSlices: [] });
    feed.dispose();
  });

  it('sends nothing for a change event that changed nothing, nor for an object added and removed within one window', async () => {
    const { services, slices, sent, feed } = setUp();
    services.put(aService('web'));
    feed.start();
    services.touch('default/web');
    slices.put(aSlice('gone'));
    slices.remove('default/gone');
    services.put(aService('marker'));
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    assert.deepEqual(sent[1], { full: false, services: ['marker'], slices: [], removedServices: [], removedSlices: [] });
    feed.dispose();
  });

  it('stops sending once disposed', async () => {
    const { services, sent, feed } = setUp();
    feed.start();
    feed.dispose();
    services.put(aService('web'));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(sent.length, 1);
  });
});

describe('encodeForAgent', () => {
  it('drops managedFields and the last-applied annotation, keeping other annotations and labels', () => {
    const svc: Service = {
      ...aService('web'),
      metadata: {
        name: 'web', namespace: 'default', labels: { app: 'web' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'yes' },
        managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
      },
    };
    const out = JSON.parse(encodeForAgent(svc).toString()) as Service;
    assert.deepEqual(out.metadata, { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { keep: 'yes' } });
    assert.deepEqual(out.spec, svc.spec);
  });

  it('leaves no empty annotations map behind', () => {
    const svc: Service = { ...aService('web'), metadata: { name: 'web', namespace: 'default', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } } };
    assert.equal((JSON.parse(encodeForAgent(svc).toString()) as Service).metadata.annotations, undefined);
  });
});
