import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import type { EndpointSlice, Service } from '../../../../api/service-v1';
import { decodeBatch } from '../../../../agent/feed/feed-batch';
import { ENDPOINT_SLICES, NODES, PODS, SERVICES } from '../../../../agent/feed/feed-kinds';

const KINDS = [PODS, SERVICES, ENDPOINT_SLICES, NODES];
const json = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));

function aPod(name: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '1' }, spec: { containers: [{ name: 'c' }] } };
}
function aService(name: string): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { clusterIP: '10.43.0.10' } };
}
function aSlice(name: string): EndpointSlice {
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, namespace: 'default' }, addressType: 'IPv4', endpoints: [] };
}

describe('decodeBatch', () => {
  it('decodes pods and removals, skipping entries that are not pods with a uid', () => {
    const { batch, errors } = decodeBatch([{ resource: 'pods', full: true, objects_json: [json(aPod('a')), Buffer.from('{"metadata":{}}'), Buffer.from('not json')], removed: ['default/x'] }], KINDS);
    const change = batch.of(PODS);
    assert.deepEqual(change?.objects.map((p) => p.metadata.name), ['a']);
    assert.deepEqual(change?.removed, ['default/x']);
    assert.equal(change?.full, true);
    assert.equal(errors.length, 2);
    assert.match(errors[0], /^pods\[1\]: not a pod with metadata.uid/);
    assert.match(errors[1], /^pods\[2\]: /);
  });

  it('keeps well-formed services and slices and reports the others by resource and index', () => {
    const { batch, errors } = decodeBatch([
      { resource: 'services', full: false, objects_json: [json(aService('web')), Buffer.from('{not json'), json({ kind: 'Service', metadata: { name: 'no-namespace' } })], removed: ['default/old'] },
      { resource: 'endpointslices', full: false, objects_json: [json(aService('wrong-kind')), json(aSlice('web-x'))], removed: [] },
    ], KINDS);
    assert.deepEqual(batch.of(SERVICES)?.objects.map((s) => s.metadata.name), ['web']);
    assert.deepEqual(batch.of(ENDPOINT_SLICES)?.objects.map((s) => s.metadata.name), ['web-x']);
    assert.deepEqual(batch.of(SERVICES)?.removed, ['default/old']);
    assert.equal(errors.length, 3);
    assert.match(errors[0], /^services\[1\]: /);
    assert.match(errors[1], /^services\[2\]: not a Service with a namespace and name/);
    assert.match(errors[2], /^endpointslices\[0\]: not a EndpointSlice/);
  });

  it('skips Nodes whose pod CIDR or addresses have another shape', () => {
    const good = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi1' }, spec: { podCIDR: '10.42.1.0/24' }, status: { addresses: [{ type: 'InternalIP', address: '192.168.1.11' }] } };
    const bad = [{ ...good, spec: { podCIDR: 7 } }, { ...good, status: { addresses: 'x' } }, { ...good, metadata: {} }];
    const { batch, errors } = decodeBatch([{ resource: 'nodes', full: true, objects_json: [good, ...bad].map(json), removed: [] }], KINDS);
    assert.deepEqual(batch.of(NODES)?.objects.map((n) => n.metadata.name), ['pi1']);
    assert.deepEqual(errors.map((e) => e.replace(/:.*/, '')), ['nodes[1]', 'nodes[2]', 'nodes[3]']);
  });

  it('leaves out a resource the agent does not know, and a resource sent twice, keeping the rest', () => {
    const { batch, errors } = decodeBatch([
      { resource: 'configmaps', full: true, objects_json: [], removed: [] },
      { resource: 'pods', full: true, objects_json: [json(aPod('a'))], removed: [] },
      { resource: 'pods', full: true, objects_json: [], removed: [] },
    ], KINDS);
    assert.equal(batch.has('configmaps'), false);
    assert.deepEqual(batch.of(PODS)?.objects.map((p) => p.metadata.name), ['a']);
    assert.deepEqual(errors, ['resource "configmaps": unknown to this agent', 'resource pods: sent twice in one batch']);
  });
});
