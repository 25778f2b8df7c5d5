import assert from 'node:assert/strict';
import type { ConfigMap, Secret } from '../../../../api/config-v1';
import type { Node, PersistentVolumeClaim, Pod } from '../../../../api/core-v1';
import type { KubeObject } from '../../../../api/meta';
import type { PersistentVolume } from '../../../../api/storage-v1';
import type { RequestAttributes } from '../../../../control-plane/auth/authorizer';
import { nodeAuthorizer } from '../../../../control-plane/auth/node-authorizer';
import { nodeIdentity } from '../../../../control-plane/auth/node-certificate';
import { nodeView } from '../../../../control-plane/nodes/node-view';
import { FakeObjectCache } from '../../../support/fake-object-cache';

function aPod(name: string, nodeName: string, uses: { secret?: string; configMap?: string; claim?: string } = {}): Pod {
  const volumes = [
    ...(uses.secret ? [{ name: 's', secret: { secretName: uses.secret } }] : []),
    ...(uses.configMap ? [{ name: 'c', configMap: { name: uses.configMap } }] : []),
    ...(uses.claim ? [{ name: 'v', persistentVolumeClaim: { claimName: uses.claim } }] : []),
  ];
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }], volumes } };
}

const meta = (name: string, namespace?: string): KubeObject['metadata'] => (namespace ? { name, namespace } : { name });

function cluster() {
  const pods = new FakeObjectCache<Pod>();
  const secrets = new FakeObjectCache<Secret>();
  const configMaps = new FakeObjectCache<ConfigMap>();
  const claims = new FakeObjectCache<PersistentVolumeClaim & KubeObject>();
  const volumes = new FakeObjectCache<PersistentVolume>();
  const nodes = new FakeObjectCache<Node>();
  pods.put(aPod('web-a', 'pi-a', { secret: 'db-pass', configMap: 'web-conf', claim: 'data' }));
  pods.put(aPod('web-b', 'pi-b', { secret: 'b-only' }));
  for (const name of ['db-pass', 'b-only', 'unused']) secrets.put({ apiVersion: 'v1', kind: 'Secret', metadata: meta(name, 'default') });
  configMaps.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('web-conf', 'default') });
  claims.put({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('data', 'default'), spec: { volumeName: 'pv-data' } } as PersistentVolumeClaim & KubeObject);
  volumes.put({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: meta('pv-data'), spec: { claimRef: { namespace: 'default', name: 'data' } } } as PersistentVolume);
  volumes.put({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: meta('pv-other'), spec: { claimRef: { namespace: 'default', name: 'other' } } } as PersistentVolume);
  return { pods, view: nodeView({ pods, secrets, configMaps, claims, volumes, nodes }) };
}

const NODE_A = { name: 'system:node:pi-a', groups: ['system:nodes', 'system:authenticated'] };

function attrs(verb: string, resource: string, extra: Partial<RequestAttributes> = {}): RequestAttributes {
  const dot = resource.indexOf('.');
  const [name, subresource = ''] = (extra.name ?? '').split('/');
  const apiGroup = dot < 0 ? '' : resource.slice(dot + 1);
  return { user: NODE_A, verb, resourceRequest: true, path: '', apiGroup, apiVersion: 'v1', resource: dot < 0 ? resource : resource.slice(0, dot), subresource, namespace: '', ...extra, name };
}

describe('node authorizer', () => {
  const { pods, view } = cluster();
  const authorizer = nodeAuthorizer(view);
  const ns = { namespace: 'default' };
  const cases: [string, RequestAttributes, 'allow' | 'noOpinion'][] = [
    ['get own Node', attrs('get', 'nodes', { name: 'pi-a' }), 'allow'],
    ['get another Node', attrs('get', 'nodes', { name: 'pi-b' }), 'noOpinion'],
    ['list all Nodes', attrs('list', 'nodes'), 'noOpinion'],
    ['watch own Node by metadata.name', attrs('watch', 'nodes', { name: 'pi-a' }), 'allow'],
    ['patch own Node status', attrs('patch', 'nodes', { name: 'pi-a/status' }), 'allow'],
    ['update another Node status', attrs('update', 'nodes', { name: 'pi-b/status' }), 'noOpinion'],
    ['patch another Node', attrs('patch', 'nodes', { name: 'pi-b' }), 'noOpinion'],
    ['delete own Node', attrs('delete', 'nodes', { name: 'pi-a' }), 'noOpinion'],
    ['get own pod', attrs('get', 'pods', { ...ns, name: 'web-a' }), 'allow'],
    ['get another node\'s pod', attrs('get', 'pods', { ...ns, name: 'web-b' }), 'noOpinion'],
    ['list pods with spec.nodeName=self', attrs('list', 'pods', { fieldSelector: [{ field: 'spec.nodeName', operator: '=', value: 'pi-a' }] }), 'allow'],
    ['watch pods with spec.nodeName=other', attrs('watch', 'pods', { fieldSelector: [{ field: 'spec.nodeName', operator: '=', value: 'pi-b' }] }), 'noOpinion'],
    ['list pods with spec.nodeName!=self', attrs('list', 'pods', { fieldSelector: [{ field: 'spec.nodeName', operator: '!=', value: 'pi-a' }] }), 'noOpinion'],
    ['list all pods', attrs('list', 'pods'), 'noOpinion'],
    ['update own pod status', attrs('update', 'pods', { ...ns, name: 'web-a/status' }), 'allow'],
    ['patch another node\'s pod status', attrs('patch', 'pods', { ...ns, name: 'web-b/status' }), 'noOpinion'],
    ['evict own pod', attrs('create', 'pods', { ...ns, name: 'web-a/eviction' }), 'allow'],
    ['delete another node\'s pod', attrs('delete', 'pods', { ...ns, name: 'web-b' }), 'noOpinion'],
    ['create a pod', attrs('create', 'pods', ns), 'noOpinion'],
    ['exec into own pod', attrs('create', 'pods', { ...ns, name: 'web-a/exec' }), 'noOpinion'],
    ['get a Secret its pod uses', attrs('get', 'secrets', { ...ns, name: 'db-pass' }), 'allow'],
    ['watch a Secret its pod uses by name', attrs('watch', 'secrets', { ...ns, name: 'db-pass' }), 'allow'],
    ['get a Secret another node\'s pod uses', attrs('get', 'secrets', { ...ns, name: 'b-only' }), 'noOpinion'],
    ['get a Secret no pod uses', attrs('get', 'secrets', { ...ns, name: 'unused' }), 'noOpinion'],
    ['list Secrets', attrs('list', 'secrets', ns), 'noOpinion'],
    ['update a Secret its pod uses', attrs('update', 'secrets', { ...ns, name: 'db-pass' }), 'noOpinion'],
    ['get a ConfigMap its pod uses', attrs('get', 'configmaps', { ...ns, name: 'web-conf' }), 'allow'],
    ['get its pod\'s claim', attrs('get', 'persistentvolumeclaims', { ...ns, name: 'data' }), 'allow'],
    ['get the volume of its pod\'s claim', attrs('get', 'persistentvolumes', { name: 'pv-data' }), 'allow'],
    ['get another volume', attrs('get', 'persistentvolumes', { name: 'pv-other' }), 'noOpinion'],
    ['list volumes', attrs('list', 'persistentvolumes'), 'noOpinion'],
    ['create a token through the API', attrs('create', 'serviceaccounts', { ...ns, name: 'default/token' }), 'noOpinion'],
    ['list services', attrs('list', 'services'), 'allow'],
    ['watch endpointslices', attrs('watch', 'endpointslices.discovery.k8s.io'), 'allow'],
    ['create an event', attrs('create', 'events', ns), 'allow'],
    ['delete an event', attrs('delete', 'events', { ...ns, name: 'x' }), 'noOpinion'],
    ['create a TokenReview', attrs('create', 'tokenreviews.authentication.k8s.io'), 'allow'],
    ['create a CSR', attrs('create', 'certificatesigningrequests.certificates.k8s.io'), 'allow'],
    ['get own Lease', attrs('get', 'leases.coordination.k8s.io', { namespace: 'kube-node-lease', name: 'pi-a' }), 'allow'],
    ['get another Lease', attrs('get', 'leases.coordination.k8s.io', { namespace: 'kube-node-lease', name: 'pi-b' }), 'noOpinion'],
    ['list deployments', attrs('list', 'deployments.apps'), 'noOpinion'],
  ];
  for (const [what, a, decision] of cases) {
    it(`${what}: ${decision}`, () => assert.equal(authorizer.authorize(a).decision, decision, authorizer.authorize(a).reason));
  }

  it('gives the Node authorizer\'s reasons', () => {
    assert.equal(authorizer.authorize(attrs('get', 'secrets', { ...ns, name: 'b-only' })).reason, 'no relationship found between node \'pi-a\' and this object');
    assert.equal(authorizer.authorize(attrs('list', 'pods')).reason, 'can only list/watch pods with spec.nodeName field selector');
    assert.equal(authorizer.authorize(attrs('list', 'nodes')).reason, 'node \'pi-a\' cannot read all nodes, only its own Node object');
  });

  it('follows the pods: a Secret becomes readable when a pod using it is bound to the node, and not after it leaves', () => {
    const a = attrs('get', 'secrets', { ...ns, name: 'unused' });
    pods.put(aPod('late', 'pi-a', { secret: 'unused' }));
    assert.equal(authorizer.authorize(a).decision, 'allow');
    pods.remove('default/late');
    assert.equal(authorizer.authorize(a).decision, 'noOpinion');
  });

  it('has no opinion on anyone not a node: a node name without the system:nodes group, or a user', () => {
    assert.equal(authorizer.authorize({ ...attrs('get', 'nodes', { name: 'pi-a' }), user: { name: 'system:node:pi-a', groups: ['system:authenticated'] } }).decision, 'noOpinion');
    assert.equal(authorizer.authorize({ ...attrs('list', 'services'), user: { name: 'alice', groups: ['system:nodes'] } }).decision, 'noOpinion');
    assert.equal(nodeIdentity({ name: 'system:node:', groups: ['system:nodes'] }), '');
    assert.match(authorizer.authorize({ ...attrs('list', 'services'), user: { name: 'system:node:', groups: ['system:nodes'] } }).reason, /unknown node for user "system:node:"/);
  });
});
