import assert from 'node:assert/strict';
import type { ConfigMap, Secret } from '../../../../api/config-v1';
import type { PersistentVolumeClaim, Pod } from '../../../../api/core-v1';
import type { PersistentVolume } from '../../../../api/storage-v1';
import type { KubeObject } from '../../../../api/meta';
import { nodeMayRead, nodeView } from '../../../../control-plane/nodes/node-view';
import { ObjectFeed } from '../../../../control-plane/nodes/object-feed';
import type { ObjectSync } from '../../../../proto/generated/pikube/node/v1/ObjectSync';
import { until } from '../../../../scripts/cluster/wait-until';
import { FakeObjectCache } from '../../../support/fake-object-cache';

const aConfigMap = (name: string, namespace = 'default'): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, uid: `cm-${name}` }, data: { k: 'v' } });
const aSecret = (name: string, namespace = 'default'): Secret => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace, uid: `s-${name}` }, data: { k: 'dg==' } });

function aPod(name: string, nodeName: string | undefined, spec: Partial<Pod['spec']> = {}, namespace = 'default'): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, uid: `uid-${name}` }, spec: { containers: [{ name: 'c' }], ...(nodeName ? { nodeName } : {}), ...spec } };
}
const usingConfigMap = (cm: string): Partial<Pod['spec']> => ({ volumes: [{ name: 'config', configMap: { name: cm } }] });
const usingSecretEnv = (secret: string): Partial<Pod['spec']> => ({ containers: [{ name: 'c', envFrom: [{ secretRef: { name: secret } }] }] });

function caches() {
  return { pods: new FakeObjectCache<Pod>(), configMaps: new FakeObjectCache<ConfigMap>(), secrets: new FakeObjectCache<Secret>() };
}

describe('node view: ConfigMaps and Secrets', () => {
  it('puts them after the nodes and before the pods, so a pod arrives with what it references', () => {
    const c = caches();
    assert.deepEqual(nodeView(c).map((e) => e.resource), ['configmaps', 'secrets', 'pods']);
  });

  it('lets a node read exactly the ConfigMaps and Secrets its own pods reference, in their namespace', () => {
    const c = caches();
    c.pods.put(aPod('mine', 'pi1', { ...usingConfigMap('redis'), imagePullSecrets: [{ name: 'pull' }] }));
    c.pods.put(aPod('other', 'pi2', usingConfigMap('theirs')));
    c.pods.put(aPod('pending', undefined, usingConfigMap('later')));
    const view = nodeView(c);
    assert.equal(nodeMayRead(view, 'pi1', 'configmaps', aConfigMap('redis')), true);
    assert.equal(nodeMayRead(view, 'pi1', 'secrets', aSecret('pull')), true);
    assert.equal(nodeMayRead(view, 'pi1', 'configmaps', aConfigMap('redis', 'prod')), false, 'same name, other namespace');
    assert.equal(nodeMayRead(view, 'pi1', 'configmaps', aConfigMap('theirs')), false, 'another node’s pod');
    assert.equal(nodeMayRead(view, 'pi1', 'configmaps', aConfigMap('later')), false, 'an unscheduled pod');
    assert.equal(nodeMayRead(view, 'pi1', 'secrets', aSecret('redis')), false, 'a ConfigMap name is no Secret');
    assert.equal(nodeMayRead(view, 'pi2', 'configmaps', aConfigMap('theirs')), true);
  });
});

interface Seen {
  resource: string;
  full: boolean;
  objects: string[];
  removed: string[];
}

function recorder() {
  const sent: Seen[][] = [];
  const send = (batch: ObjectSync[]): void => void sent.push(batch.map((s) => ({
    resource: s.resource ?? '', full: s.full ?? false, removed: [...(s.removed ?? [])],
    objects: (s.objects_json ?? []).map((b) => (JSON.parse(Buffer.from(b as Uint8Array).toString()) as KubeObject).metadata.name ?? ''),
  })));
  return { sent, send };
}

const last = (sent: Seen[][]): Seen[] => sent[sent.length - 1] ?? [];
const of = (batch: Seen[], resource: string): Seen | undefined => batch.find((s) => s.resource === resource);

describe('object feed: ConfigMaps and Secrets follow the node’s pods', () => {
  let feed: ObjectFeed | undefined;
  afterEach(() => feed?.dispose());

  function start(c: ReturnType<typeof caches>) {
    const { sent, send } = recorder();
    feed = new ObjectFeed({ nodeName: 'pi1', view: nodeView(c), send, coalesceMs: 5 });
    feed.start();
    return sent;
  }

  it('sends the referenced objects in the full set, never the others', () => {
    const c = caches();
    c.configMaps.put(aConfigMap('redis'));
    c.configMaps.put(aConfigMap('unused'));
    c.secrets.put(aSecret('db'));
    c.secrets.put(aSecret('admin'));
    c.pods.put(aPod('web', 'pi1', { ...usingConfigMap('redis'), ...usingSecretEnv('db') }));
    const sent = start(c);
    assert.deepEqual(sent[0], [
      { resource: 'configmaps', full: true, objects: ['redis'], removed: [] },
      { resource: 'secrets', full: true, objects: ['db'], removed: [] },
      { resource: 'pods', full: true, objects: ['web'], removed: [] },
    ]);
  });

  it('sends a ConfigMap in the same batch as the pod bound to the node that uses it', async () => {
    const c = caches();
    c.configMaps.put(aConfigMap('redis'));
    const sent = start(c);
    const pending = c.pods.put(aPod('web', undefined, usingConfigMap('redis')));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(sent.length, 1, 'nothing for a pod not bound to the node');
    c.pods.put({ ...pending, spec: { ...pending.spec, nodeName: 'pi1' } });
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    assert.deepEqual(last(sent), [
      { resource: 'configmaps', full: false, objects: ['redis'], removed: [] },
      { resource: 'pods', full: false, objects: ['web'], removed: [] },
    ]);
  });

  it('sends a ConfigMap created after its pod, and each of its edits', async () => {
    const c = caches();
    c.pods.put(aPod('web', 'pi1', usingConfigMap('redis')));
    const sent = start(c);
    c.configMaps.put(aConfigMap('redis'));
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    assert.deepEqual(last(sent), [{ resource: 'configmaps', full: false, objects: ['redis'], removed: [] }]);
    c.configMaps.put({ ...aConfigMap('redis'), data: { k: 'edited' } });
    await until(() => sent.length === 3, { timeoutMs: 1000 });
    assert.deepEqual(last(sent), [{ resource: 'configmaps', full: false, objects: ['redis'], removed: [] }]);
  });

  it('removes a Secret from the agent when the last pod of the node using it goes, not before', async () => {
    const c = caches();
    c.secrets.put(aSecret('db'));
    c.pods.put(aPod('a', 'pi1', usingSecretEnv('db')));
    c.pods.put(aPod('b', 'pi1', usingSecretEnv('db')));
    const sent = start(c);
    c.pods.remove('default/a');
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    assert.equal(of(last(sent), 'secrets'), undefined, 'pod b still uses it');
    c.pods.remove('default/b');
    await until(() => sent.length === 3, { timeoutMs: 1000 });
    assert.deepEqual(of(last(sent), 'secrets'), { resource: 'secrets', full: false, objects: [], removed: ['default/db'] });
  });

  it('removes a ConfigMap a pod stops referencing, and says nothing of a change to objects of other nodes', async () => {
    const c = caches();
    c.configMaps.put(aConfigMap('old'));
    c.configMaps.put(aConfigMap('theirs'));
    c.pods.put(aPod('theirs', 'pi2', usingConfigMap('theirs')));
    const mine = c.pods.put(aPod('web', 'pi1', usingConfigMap('old')));
    const sent = start(c);
    c.configMaps.put({ ...aConfigMap('theirs'), data: { k: 'changed' } });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(sent.length, 1);
    c.pods.put({ ...mine, spec: { ...mine.spec, ...usingConfigMap('new') } });
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    assert.deepEqual(of(last(sent), 'configmaps'), { resource: 'configmaps', full: false, objects: [], removed: ['default/old'] });
  });

  it('looks at no ConfigMap again for a pod update that changes none of its references (a status update)', async () => {
    const c = caches();
    c.configMaps.put(aConfigMap('redis'));
    const pod = c.pods.put(aPod('web', 'pi1', usingConfigMap('redis')));
    const sent = start(c);
    let reads = 0;
    const get = c.configMaps.get.bind(c.configMaps);
    c.configMaps.get = (key: string) => {
      reads++;
      return get(key);
    };
    c.pods.put({ ...pod, status: { phase: 'Running' } });
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    assert.deepEqual(last(sent).map((s) => s.resource), ['pods']);
    assert.equal(reads, 0);
  });
});

describe('node view: PersistentVolumes and claims', () => {
  const pv = (name: string, claim?: string, pinnedTo?: string): PersistentVolume => ({
    apiVersion: 'v1', kind: 'PersistentVolume',
    metadata: { name, uid: name, ...(pinnedTo ? { annotations: { 'pv.kubernetes.io/provisioned-by': 'pikube.dev/local-path' } } : {}) },
    spec: {
      hostPath: { path: `/x/${name}` }, ...(claim ? { claimRef: { namespace: 'default', name: claim } } : {}),
      ...(pinnedTo ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [pinnedTo] }] }] } } } : {}),
    },
  });
  const usingClaim = (claim: string): Partial<Pod['spec']> => ({ volumes: [{ name: 'd', persistentVolumeClaim: { claimName: claim } }] });
  it('lets a node read the claims its pods mount, their volumes and the local-path volumes pinned to it', () => {
    const pods = new FakeObjectCache<Pod>();
    const claims = new FakeObjectCache<PersistentVolumeClaim & KubeObject>();
    const volumes = new FakeObjectCache<PersistentVolume>();
    pods.put(aPod('mine', 'pi1', usingClaim('data')));
    const view = nodeView({ pods, claims, volumes });
    assert.deepEqual(view.map((e) => e.resource), ['persistentvolumes', 'persistentvolumeclaims', 'pods']);
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' } };
    assert.equal(nodeMayRead(view, 'pi1', 'persistentvolumeclaims', claim), true);
    assert.equal(nodeMayRead(view, 'pi2', 'persistentvolumeclaims', claim), false);
    assert.equal(nodeMayRead(view, 'pi1', 'persistentvolumes', pv('bound', 'data')), true);
    assert.equal(nodeMayRead(view, 'pi2', 'persistentvolumes', pv('bound', 'data')), false);
    assert.equal(nodeMayRead(view, 'pi1', 'persistentvolumes', pv('other', 'else')), false);
    assert.equal(nodeMayRead(view, 'pi2', 'persistentvolumes', pv('released', undefined, 'pi2')), true, 'a local-path volume pinned to pi2, in use or not');
    assert.equal(nodeMayRead(view, 'pi1', 'persistentvolumes', pv('released', undefined, 'pi2')), false);
  });
});
