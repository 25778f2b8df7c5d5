import assert from 'node:assert/strict';
import type { EndpointSlice, Service } from '../../../api/service-v1';
import { ClusterServices, decodeServiceSync } from '../../../agent/cluster-services';

function aService(name: string, namespace = 'default'): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { clusterIP: '10.43.0.10' } };
}

function aSlice(name: string, namespace = 'default'): EndpointSlice {
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, namespace }, addressType: 'IPv4', endpoints: [] };
}

const json = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));
const empty = { full: false, services_json: [], endpoint_slices_json: [], removed_services: [], removed_endpoint_slices: [] };

describe('decodeServiceSync', () => {
  it('keeps well-formed objects and reports the others by field and index', () => {
    const { change, errors } = decodeServiceSync({
      ...empty,
      services_json: [json(aService('web')), Buffer.from('{not json'), json({ kind: 'Service', metadata: { name: 'no-namespace' } })],
      endpoint_slices_json: [json(aService('wrong-kind')), json(aSlice('web-x'))],
      removed_services: ['default/old'],
    });
    assert.deepEqual(change.services.map((s) => s.metadata.name), ['web']);
    assert.deepEqual(change.slices.map((s) => s.metadata.name), ['web-x']);
    assert.deepEqual(change.removedServices, ['default/old']);
    assert.equal(errors.length, 3);
    assert.match(errors[0], /^services_json\[1\]: /);
    assert.match(errors[1], /^services_json\[2\]: not a Service with a namespace and name/);
    assert.match(errors[2], /^endpoint_slices_json\[0\]: not a EndpointSlice/);
  });
});

describe('ClusterServices', () => {
  it('is not synced, and has no namespace view, before the first sync', () => {
    const state = new ClusterServices();
    assert.equal(state.synced, false);
    assert.equal(state.servicesIn('default'), undefined);
  });

  it('replaces both sets on a full sync and upserts / removes on an incremental one', () => {
    const state = new ClusterServices();
    state.apply({ full: true, services: [aService('a'), aService('b', 'prod')], slices: [aSlice('a-1')], removedServices: [], removedSlices: [] });
    state.apply({ full: false, services: [aService('c')], slices: [aSlice('c-1')], removedServices: ['default/a'], removedSlices: ['default/a-1'] });
    assert.deepEqual(state.services().map((s) => s.metadata.name).sort(), ['b', 'c']);
    assert.deepEqual(state.slices().map((s) => s.metadata.name), ['c-1']);
    assert.deepEqual(state.servicesIn('prod')?.map((s) => s.metadata.name), ['b']);
    state.apply({ full: true, services: [aService('z')], slices: [], removedServices: [], removedSlices: [] });
    assert.deepEqual(state.services().map((s) => s.metadata.name), ['z']);
    assert.deepEqual(state.slices(), []);
  });

  it('counts an empty full sync as synced (a cluster without services)', () => {
    const state = new ClusterServices();
    state.apply({ full: true, services: [], slices: [], removedServices: [], removedSlices: [] });
    assert.deepEqual(state.servicesIn('default'), []);
  });
});
