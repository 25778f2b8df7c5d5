import assert from 'node:assert/strict';
import type { ConditionStatus, Node, Pod } from '../../../../api/core-v1';
import type { KubeObject } from '../../../../api/meta';
import type { EndpointSlice, Service } from '../../../../api/service-v1';
import { nodeView } from '../../../../control-plane/nodes/node-view';
import { ObjectFeed } from '../../../../control-plane/nodes/object-feed';
import type { ObjectSync } from '../../../../proto/generated/pikube/node/v1/ObjectSync';
import { until } from '../../../../scripts/cluster/wait-until';
import { FakeObjectCache } from '../../../support/fake-object-cache';


function aPod(name: string, nodeName?: string, uid = `uid-${name}`): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid }, spec: { containers: [], ...(nodeName ? { nodeName } : {}) } };
}
function aService(name: string, namespace = 'default'): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { clusterIP: '10.43.0.10', ports: [{ port: 80 }] } };
}
function aSlice(name: string, namespace = 'default'): EndpointSlice {
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, namespace }, addressType: 'IPv4', endpoints: [] };
}
function aNode(name: string, podCIDR?: string, ip?: string, ready: ConditionStatus = 'True'): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}` },
    spec: podCIDR ? { podCIDR } : {},
    status: { addresses: [{ type: 'Hostname' as const, address: name }, ...(ip ? [{ type: 'InternalIP' as const, address: ip }] : [])], conditions: [{ type: 'Ready', status: ready }] },
  };
}

/** One resource of a sent batch: names (uids for pods) of the objects, and the removed keys. */
interface Seen {
  resource: string;
  full: boolean;
  objects: string[];
  removed: string[];
}

function idOf(resource: string, o: KubeObject): string {
  return (resource === 'pods' ? o.metadata.uid : o.metadata.name) ?? '';
}

function recorder() {
  const sent: Seen[][] = [];
  const send = (batch: ObjectSync[]): void => void sent.push(batch.map((s) => ({
    resource: s.resource ?? '', full: s.full ?? false, removed: [...(s.removed ?? [])],
    objects: (s.objects_json ?? []).map((b) => idOf(s.resource ?? '', JSON.parse(Buffer.from(b as Uint8Array).toString()) as KubeObject)),
  })));
  return { sent, send };
}

const only = (resource: string, full: boolean, objects: string[], removed: string[] = []): Seen[] => [{ resource, full, objects, removed }];

describe('ObjectFeed: the node’s pods', () => {
  let feed: ObjectFeed | undefined;
  afterEach(() => feed?.dispose());

  function start(pods: FakeObjectCache<Pod>, coalesceMs = 5) {
    const { sent, send } = recorder();
    feed = new ObjectFeed({ nodeName: 'pi-1', view: nodeView({ pods }), send, coalesceMs });
    feed.start();
    return sent;
  }

  it('sends the node’s full set first, and only its own pods', () => {
    const cache = new FakeObjectCache<Pod>();
    cache.put(aPod('a', 'pi-1'));
    cache.put(aPod('b', 'pi-2'));
    cache.put(aPod('pending'));
    assert.deepEqual(start(cache), [only('pods', true, ['uid-a'])]);
  });

  it('coalesces a burst of changes into one incremental sync, each pod once as it is now', async () => {
    const cache = new FakeObjectCache<Pod>();
    const sent = start(cache, 10);
    const a = cache.put(aPod('a', 'pi-1'));
    cache.put({ ...a, metadata: { ...a.metadata, labels: { v: '2' } } });
    cache.put(aPod('b', 'pi-1'));
    cache.put(aPod('c', 'pi-2'));
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    assert.deepEqual(sent[1], only('pods', false, ['uid-a', 'uid-b']));
  });

  it('sends a pod changed twice in one window once, at its latest resourceVersion', async () => {
    const cache = new FakeObjectCache<Pod>();
    const batches: ObjectSync[][] = [];
    feed = new ObjectFeed({ nodeName: 'pi-1', view: nodeView({ pods: cache }), coalesceMs: 10, send: (batch) => batches.push(batch) });
    feed.start();
    const a = cache.put(aPod('a', 'pi-1'));
    const latest = cache.put({ ...a, metadata: { ...a.metadata, labels: { v: '2' } } });
    await until(() => batches.length === 2, { timeoutMs: 1000 });
    const pods = (batches[1]?.[0]?.objects_json ?? []).map((b) => JSON.parse(String(b)) as Pod);
    assert.deepEqual(pods.map((p) => p.metadata.resourceVersion), [latest.metadata.resourceVersion]);
  });

  it('sends a removal by namespace/name when a pod is deleted, and nothing for pods it never sent', async () => {
    const cache = new FakeObjectCache<Pod>();
    cache.put(aPod('a', 'pi-1'));
    cache.put(aPod('o', 'pi-2'));
    const sent = start(cache);
    cache.remove('default/o');
    cache.remove('default/a');
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    assert.deepEqual(sent[1], only('pods', false, [], ['default/a']));
  });

  it('sends a pod when the scheduler binds it to the node', async () => {
    const cache = new FakeObjectCache<Pod>();
    const sent = start(cache);
    const pending = cache.put(aPod('a'));
    cache.put({ ...pending, spec: { ...pending.spec, nodeName: 'pi-1' } });
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    assert.deepEqual(sent[1], only('pods', false, ['uid-a']));
  });

  it('replaces a pod recreated under the same name within one burst: removal of its key, upsert of the new uid', async () => {
    const cache = new FakeObjectCache<Pod>();
    cache.put(aPod('web-0', 'pi-1', 'uid-old'));
    const sent = start(cache, 10);
    cache.remove('default/web-0');
    cache.put(aPod('web-0', 'pi-1', 'uid-new'));
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    assert.deepEqual(sent[1], only('pods', false, ['uid-new'], ['default/web-0']));
  });

  it('stops following changes once disposed', async () => {
    const cache = new FakeObjectCache<Pod>();
    const sent = start(cache, 1);
    cache.put(aPod('a', 'pi-1'));
    feed?.dispose();
    assert.equal(cache.subscribers, 0);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(sent.length, 1);
  });
});

describe('ObjectFeed: services and EndpointSlices', () => {
  function setUp() {
    const services = new FakeObjectCache<Service>();
    const slices = new FakeObjectCache<EndpointSlice>();
    const pods = new FakeObjectCache<Pod>();
    const { sent, send } = recorder();
    const feed = new ObjectFeed({ nodeName: 'pi-1', view: nodeView({ pods, services, endpointSlices: slices }), send, coalesceMs: 5 });
    return { services, slices, pods, sent, feed };
  }

  it('sends every service and slice of every namespace first, in one batch with the pods, services first', () => {
    const { services, slices, pods, sent, feed } = setUp();
    services.put(aService('web'));
    services.put(aService('db', 'prod'));
    slices.put(aSlice('web-abc'));
    pods.put(aPod('a', 'pi-1'));
    feed.start();
    assert.deepEqual(sent, [[
      { resource: 'services', full: true, objects: ['web', 'db'], removed: [] },
      { resource: 'endpointslices', full: true, objects: ['web-abc'], removed: [] },
      { resource: 'pods', full: true, objects: ['uid-a'], removed: [] },
    ]]);
    feed.dispose();
  });

  it('coalesces a burst into one batch with upserts and removals by namespace/name, services and slices together', async () => {
    const { services, slices, sent, feed } = setUp();
    services.put(aService('old'));
    feed.start();
    services.put(aService('web'));
    services.put(aService('web'));
    slices.put(aSlice('web-abc'));
    services.remove('default/old');
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    assert.deepEqual(sent[1], [
      { resource: 'services', full: false, objects: ['web'], removed: ['default/old'] },
      { resource: 'endpointslices', full: false, objects: ['web-abc'], removed: [] },
    ]);
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
    assert.deepEqual(sent[1], only('services', false, ['marker']));
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

describe('ObjectFeed: peer nodes', () => {
  function setUp(log?: (m: string) => void) {
    const nodes = new FakeObjectCache<Node>();
    const { sent, send } = recorder();
    const feed = new ObjectFeed({ nodeName: 'pi-1', view: nodeView({ pods: new FakeObjectCache<Pod>(), nodes }), send, coalesceMs: 5, log });
    return { nodes, sent, feed };
  }
  const nodesOf = (batch: Seen[] | undefined): Seen | undefined => batch?.find((s) => s.resource === 'nodes');

  it('sends every node trimmed to what agents read, and nothing for a status update that changes none of it', async () => {
    const { nodes, sent, feed } = setUp();
    nodes.put(aNode('pi1', '10.42.1.0/24', '192.168.1.11'));
    feed.start();
    assert.deepEqual(nodesOf(sent[0]), { resource: 'nodes', full: true, objects: ['pi1'], removed: [] });
    nodes.put(aNode('pi1', '10.42.1.0/24', '192.168.1.11', 'False')); // a status update: same peer
    nodes.put(aNode('pi2', '10.42.2.0/24', '192.168.1.12'));
    nodes.put(aNode('pi2', '10.42.2.0/24', '192.168.1.22'));
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    assert.deepEqual(sent[1], only('nodes', false, ['pi2']));
    nodes.put(aNode('pi2', '10.42.2.0/24', '192.168.1.22', 'Unknown'));
    await new Promise((resolve) => setTimeout(resolve, 30)); // several coalescing windows (fake cache, no real part)
    feed.dispose();
    nodes.remove('pi1');
    assert.equal(sent.length, 2, 'nothing after an unchanged node or after dispose');
  });

  it('sends a node as name, uid, pod CIDR and InternalIP only', () => {
    const { nodes, feed } = setUp();
    nodes.put(aNode('pi1', '10.42.1.0/24', '192.168.1.11'));
    const batches: ObjectSync[][] = [];
    const probe = new ObjectFeed({ nodeName: 'pi-1', view: nodeView({ pods: new FakeObjectCache<Pod>(), nodes }), send: (b) => batches.push(b) });
    probe.start();
    probe.dispose();
    feed.dispose();
    const sentNode = JSON.parse(String(batches[0]?.find((s) => s.resource === 'nodes')?.objects_json?.[0])) as Node;
    assert.deepEqual(sentNode, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi1', uid: 'uid-pi1' }, spec: { podCIDR: '10.42.1.0/24' }, status: { addresses: [{ type: 'InternalIP', address: '192.168.1.11' }] } });
  });

  it('skips a malformed Node, reporting it once, and still sends every other node (at start and from its timer)', async () => {
    const malformed = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'bad' }, spec: { podCIDR: '10.42.9.0/24' }, status: { addresses: 'x' } } as unknown as Node;
    const logs: string[] = [];
    const { nodes, sent, feed } = setUp((m) => logs.push(m));
    nodes.put(aNode('pi1', '10.42.1.0/24', '192.168.1.11'));
    const bad = nodes.put(malformed);
    feed.start();
    assert.deepEqual(nodesOf(sent[0])?.objects, ['pi1']);
    nodes.touch('bad');
    nodes.put(aNode('pi2', '10.42.2.0/24', '192.168.1.12'));
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    feed.dispose();
    assert.deepEqual(sent[1], only('nodes', false, ['pi2']));
    assert.equal(logs.length, 1, logs.join('\n'));
    assert.match(logs[0] ?? '', new RegExp(`skipping malformed object bad \\(resourceVersion ${bad.metadata.resourceVersion}\\)`));
  });

  it('sends a removal when a node is deleted', async () => {
    const { nodes, sent, feed } = setUp();
    nodes.put(aNode('pi1', '10.42.1.0/24', '192.168.1.11'));
    feed.start();
    nodes.remove('pi1');
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    feed.dispose();
    assert.deepEqual(sent[1], only('nodes', false, [], ['pi1']));
  });
});
