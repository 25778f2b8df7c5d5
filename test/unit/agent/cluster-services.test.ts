import assert from 'node:assert/strict';
import type { EndpointSlice, Service } from '../../../api/service-v1';
import { ClusterServices } from '../../../agent/cluster-services';
import { FeedBatch, type ObjectChange } from '../../../agent/feed/feed-batch';
import { ENDPOINT_SLICES, SERVICES } from '../../../agent/feed/feed-kinds';

function aService(name: string, namespace = 'default'): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { clusterIP: '10.43.0.10' } };
}

function aSlice(name: string, namespace = 'default'): EndpointSlice {
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, namespace }, addressType: 'IPv4', endpoints: [] };
}

const change = <T>(full: boolean, objects: T[], removed: string[] = []): ObjectChange<T> => ({ full, objects, removed });
const batch = (services: ObjectChange<Service>, slices: ObjectChange<EndpointSlice>): FeedBatch => FeedBatch.empty().with(SERVICES, services).with(ENDPOINT_SLICES, slices);

describe('ClusterServices', () => {
  it('is not synced, and has no namespace view, before the first sync', () => {
    const state = new ClusterServices();
    assert.equal(state.synced, false);
    assert.equal(state.servicesIn('default'), undefined);
  });

  it('replaces both sets on a full sync and upserts / removes on an incremental one', () => {
    const state = new ClusterServices();
    state.apply(batch(change(true, [aService('a'), aService('b', 'prod')]), change(true, [aSlice('a-1')])));
    state.apply(batch(change(false, [aService('c')], ['default/a']), change(false, [aSlice('c-1')], ['default/a-1'])));
    assert.deepEqual(state.services().map((s) => s.metadata.name).sort(), ['b', 'c']);
    assert.deepEqual(state.slices().map((s) => s.metadata.name), ['c-1']);
    assert.deepEqual(state.servicesIn('prod')?.map((s) => s.metadata.name), ['b']);
    state.apply(batch(change(true, [aService('z')]), change(true, [])));
    assert.deepEqual(state.services().map((s) => s.metadata.name), ['z']);
    assert.deepEqual(state.slices(), []);
  });

  it('applies a batch with only slices, leaving the services as they are', () => {
    const state = new ClusterServices();
    state.apply(batch(change(true, [aService('a')]), change(true, [])));
    state.apply(FeedBatch.empty().with(ENDPOINT_SLICES, change(false, [aSlice('a-1')])));
    assert.deepEqual(state.services().map((s) => s.metadata.name), ['a']);
    assert.deepEqual(state.slices().map((s) => s.metadata.name), ['a-1']);
  });

  it('counts an empty full sync as synced (a cluster without services)', () => {
    const state = new ClusterServices();
    state.apply(batch(change(true, []), change(true, [])));
    assert.deepEqual(state.servicesIn('default'), []);
  });
});
