import assert from 'node:assert/strict';
import type { Node, Pod } from '../../../../api/core-v1';
import type { KubeObject } from '../../../../api/meta';
import type { EndpointSlice, Service } from '../../../../api/service-v1';
import { nodeMayRead, nodeView, peerNodeOf, withoutClutter, type ObjectCache } from '../../../../control-plane/nodes/node-view';

/** The view only reads caches when feeding; these hold nothing. */
function emptyCache<T extends KubeObject>(): ObjectCache<T> {
  return { get: () => undefined, list: () => [], onChange: () => ({ dispose: () => undefined }) };
}

function aNode(name: string, podCIDR?: string, ip?: string): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}`, resourceVersion: '9', labels: { a: 'b' } },
    spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR], taints: [{ key: 'k', effect: 'NoSchedule' }] } : {},
    status: { addresses: [{ type: 'Hostname' as const, address: name }, ...(ip ? [{ type: 'InternalIP' as const, address: ip }] : [])], conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

const aPod = (nodeName?: string): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { containers: [], ...(nodeName ? { nodeName } : {}) } });
const aService: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: {} };
const aSlice: EndpointSlice = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-1', namespace: 'prod' }, addressType: 'IPv4', endpoints: [] };

const fullView = () => nodeView({ pods: emptyCache(), nodes: emptyCache(), services: emptyCache(), endpointSlices: emptyCache() });

describe('node view', () => {
  it('lists services and their slices before nodes and pods (the order a batch is applied in)', () => {
    assert.deepEqual(fullView().map((e) => e.resource), ['services', 'endpointslices', 'nodes', 'pods']);
    assert.deepEqual(nodeView({ pods: emptyCache() }).map((e) => e.resource), ['pods']);
  });

  it('lets a node read the pods bound to it, and no other pod', () => {
    const view = fullView();
    assert.equal(nodeMayRead(view, 'pi1', 'pods', aPod('pi1')), true);
    assert.equal(nodeMayRead(view, 'pi1', 'pods', aPod('pi2')), false);
    assert.equal(nodeMayRead(view, 'pi1', 'pods', aPod()), false, 'not yet scheduled');
  });

  it('lets every node read every service, EndpointSlice and node, and nothing outside the view', () => {
    const view = fullView();
    assert.equal(nodeMayRead(view, 'pi1', 'services', aService), true);
    assert.equal(nodeMayRead(view, 'pi1', 'endpointslices', aSlice), true);
    assert.equal(nodeMayRead(view, 'pi1', 'nodes', aNode('pi2')), true);
    assert.equal(nodeMayRead(view, 'pi1', 'secrets', aService), false);
    assert.equal(nodeMayRead(nodeView({ pods: emptyCache() }), 'pi1', 'services', aService), false);
  });

  it('refuses an object its entry throws on (a malformed one) rather than throwing', () => {
    const view = [{ resource: 'pods' as const, cache: emptyCache(), select: (): boolean => { throw new TypeError('malformed'); } }];
    assert.equal(nodeMayRead(view, 'pi1', 'pods', aPod('pi1')), false);
  });
});

describe('peerNodeOf', () => {
  it('keeps name, uid, pod CIDRs and InternalIP addresses only', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(peerNodeOf(aNode('pi1', '10.42.1.0/24', '192.168.1.11')))), {
      apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi1', uid: 'uid-pi1' },
      spec: { podCIDR: '10.42.1.0/24', podCIDRs: ['10.42.1.0/24'] }, status: { addresses: [{ type: 'InternalIP', address: '192.168.1.11' }] },
    });
  });

  it('keeps the deletion mark of a node being deleted', () => {
    const node = aNode('pi1', '10.42.1.0/24', '192.168.1.11');
    node.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
    assert.equal(peerNodeOf(node).metadata.deletionTimestamp, '2024-01-01T00:00:00Z');
  });

  it('throws on nodes whose fields are not strings', () => {
    const numeric = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: { podCIDR: 7 }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] } } as unknown as Node;
    const badAddresses = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: {}, status: { addresses: 'x' } } as unknown as Node;
    const numericIp = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: {}, status: { addresses: [{ type: 'InternalIP', address: 10 }] } } as unknown as Node;
    for (const node of [numeric, badAddresses, numericIp]) assert.throws(() => peerNodeOf(node), TypeError);
  });
});

describe('withoutClutter', () => {
  it('drops managedFields and the last-applied annotation, keeping other annotations and labels', () => {
    const svc: Service = {
      ...aService,
      metadata: {
        name: 'web', namespace: 'default', labels: { app: 'web' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'yes' },
        managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
      },
    };
    const out = withoutClutter(svc) as Service;
    assert.deepEqual(out.metadata, { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { keep: 'yes' } });
    assert.deepEqual(out.spec, svc.spec);
  });

  it('leaves no empty annotations map behind', () => {
    const svc: Service = { ...aService, metadata: { name: 'web', namespace: 'default', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } } };
    assert.equal(withoutClutter(svc).metadata.annotations, undefined);
  });
});
