import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../../api/meta';
import type { CachePage } from '../../../../../control-plane/apiserver/cache-list';
import { CachedObject } from '../../../../../control-plane/apiserver/cache-watcher';
import { EncodedPages } from '../../../../../control-plane/apiserver/encoded-pages';
import { cachedList, jsonListParts, tableListParts, type ListAnswerParts } from '../../../../../control-plane/apiserver/handlers/cached-list';
import { encodeContinue } from '../../../../../control-plane/apiserver/list-pagination';
import { render, type RenderContext } from '../../../../../control-plane/apiserver/object-output';
import type { ResourceDefinition } from '../../../../../control-plane/registry/resource-definition';
import { NODES, PODS, SERVICES } from '../../../../../control-plane/registry/kinds';
import { encode } from '../../../../../control-plane/apiserver/respond';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const created = '2026-01-01T00:00:00Z';
const running = { running: { startedAt: created } };

const OBJECTS: Array<[ResourceDefinition, KubeObject]> = [
  [PODS, {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'default', labels: { app: 'web', tier: 'front' }, creationTimestamp: created, resourceVersion: '7', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u1', controller: true }] },
    spec: { nodeName: 'pi-1', containers: [{ name: 'b', image: 'nginx', ports: [{ containerPort: 80 }] }, { name: 'a', image: 'busybox' }], readinessGates: [{ conditionType: 'x' }] },
    status: { phase: 'Running', podIP: '10.42.0.5', podIPs: [{ ip: '10.42.0.5' }], conditions: [{ type: 'Ready', status: 'True' }, { type: 'x', status: 'False' }],
      containerStatuses: [{ name: 'b', ready: true, restartCount: 3, state: running, lastState: { terminated: { exitCode: 1, finishedAt: created } } }, { name: 'a', ready: false, restartCount: 0, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
      initContainerStatuses: [] },
  } as KubeObject],
  [SERVICES, {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', creationTimestamp: created, resourceVersion: '8' },
    spec: { type: 'LoadBalancer', clusterIP: '10.43.0.10', selector: { tier: 'front', app: 'web' }, ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }], externalIPs: ['192.168.1.9', '192.168.1.2'] },
    status: { loadBalancer: { ingress: [{ ip: '192.168.1.7' }, { ip: '192.168.1.3' }] } },
  } as KubeObject],
  [NODES, {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: 'pi-1', creationTimestamp: created, resourceVersion: '9', labels: { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '' } },
    spec: { unschedulable: true, taints: [{ key: 'k', effect: 'NoSchedule' }] },
    status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.0' }, addresses: [{ type: 'InternalIP', address: '192.168.1.21' }] },
  } as KubeObject],
];

function pageOf(objects: KubeObject[], more: Partial<CachePage> = {}): CachePage {
  return { items: objects.map((o, i) => ({ key: `/k/${i}`, cached: new CachedObject(o) })), resourceVersion: 42, stateVersion: 1, filterKey: '[null,"",""]', ...more };
}

function joined(parts: ListAnswerParts): Buffer {
  return Buffer.concat([Buffer.from(parts.head, 'utf8'), parts.items, Buffer.from(parts.tail, 'utf8')]);
}

const SECOND = new Date('2026-01-02T00:00:07Z');

describe('cached list responses', () => {
  it('writes plain JSON from the cached JSON bytes of each item, byte for byte as JSON.stringify of the list', () => {
    const pods = [OBJECTS[0][1], { ...OBJECTS[0][1], metadata: { ...OBJECTS[0][1].metadata, name: 'web-1', annotations: { note: 'ünïcode "quoted" \u2028' } } }];
    for (const page of [pageOf(pods), pageOf(pods, { continue: encodeContinue({ rv: 42, start: '/k/1' }), remainingItemCount: 3 }), pageOf([])]) {
      const list = cachedList({ info: PODS, watchPath: false }, page);
      assert.deepEqual(joined(jsonListParts(list, page, new EncodedPages(1 << 20))), Buffer.from(JSON.stringify(list), 'utf8'));
      assert.deepEqual(joined(jsonListParts(list, page)), Buffer.from(JSON.stringify(list), 'utf8'));
    }
  });

  it('writes compact Tables byte for byte as JSON.stringify of the rendered list, in both meta.k8s.io versions and every includeObject', () => {
    for (const [info, object] of OBJECTS) {
      const page = pageOf([object, { ...object, metadata: { ...object.metadata, name: 'second' } }], { continue: 'abc', remainingItemCount: 1 });
      const list = cachedList({ info, watchPath: false }, page);
      for (const target of [{ format: 'json', as: 'Table' }, { format: 'json', as: 'Table', asVersion: 'v1beta1' }] as RenderContext['target'][]) {
        for (const includeObject of ['None', 'Metadata', 'Object'] as const) {
          const ctx: RenderContext = { info, target, includeObject, now: SECOND };
          assert.deepEqual(joined(tableListParts(list, page, ctx, new EncodedPages(1 << 20))).toString('utf8'), JSON.stringify(render(list, ctx)));
        }
      }
    }
  });

  it('shares the encoded items between identical LISTs of the same state, and encodes again once the state changed', () => {
    const pages = new EncodedPages(1 << 20);
    const page = pageOf([OBJECTS[0][1]]);
    const list = cachedList({ info: PODS, watchPath: false }, page);
    const first = jsonListParts(list, page, pages).items;
    assert.equal(jsonListParts(list, { ...page }, pages).items, first);
    const changed = pageOf([{ ...OBJECTS[0][1], metadata: { ...OBJECTS[0][1].metadata, labels: { app: 'changed' } } }], { stateVersion: 2 });
    const after = jsonListParts(cachedList({ info: PODS, watchPath: false }, changed), changed, pages).items;
    assert.notEqual(after, first);
    assert.match(after.toString('utf8'), /"changed"/);
  });

  it('never shares items between different filters, pages or seconds', () => {
    const pages = new EncodedPages(1 << 20);
    const pods = [OBJECTS[0][1], { ...OBJECTS[0][1], metadata: { ...OBJECTS[0][1].metadata, name: 'web-1' } }];
    const all = pageOf(pods);
    const list = cachedList({ info: PODS, watchPath: false }, all);
    const shared = jsonListParts(list, all, pages).items;
    const otherFilter = pageOf(pods, { filterKey: '["default","",""]' });
    assert.notEqual(jsonListParts(list, otherFilter, pages).items, shared);
    const firstOnly = { ...all, items: all.items.slice(0, 1) };
    assert.equal(jsonListParts(cachedList({ info: PODS, watchPath: false }, firstOnly), firstOnly, pages).items.toString('utf8'), JSON.stringify(pods[0]));
    const unnamed = pageOf(pods, { filterKey: undefined });
    assert.notEqual(jsonListParts(list, unnamed, pages).items, shared);
    const ctx = (now: Date): RenderContext => ({ info: PODS, target: { format: 'json', as: 'Table' }, includeObject: 'Metadata', now });
    const rows = tableListParts(list, all, ctx(SECOND), pages).items;
    assert.equal(tableListParts(list, all, ctx(SECOND), pages).items, rows);
    assert.notEqual(tableListParts(list, all, ctx(new Date(SECOND.getTime() + 1000)), pages).items, rows);
  });

  it('refuses to print a shared table at a time that is not a whole second', () => {
    const page = pageOf([OBJECTS[0][1]]);
    const ctx: RenderContext = { info: PODS, target: { format: 'json', as: 'Table' }, includeObject: 'Metadata', now: new Date(SECOND.getTime() + 1) };
    assert.throws(() => tableListParts(cachedList({ info: PODS, watchPath: false }, page), page, ctx), /whole second/);
  });

  for (const [info, object] of OBJECTS) {
    it(`renders a list of cached ${info.resource} in every representation without changing the shared objects`, () => {
      const frozen = deepFreeze(structuredClone(object));
      const list = cachedList({ info, watchPath: false }, pageOf([frozen]));
      const targets: RenderContext['target'][] = [{ format: 'json' }, { format: 'json', as: 'Table' }, { format: 'json', as: 'Table', asVersion: 'v1beta1' }, { format: 'json', as: 'PartialObjectMetadataList' }];
      for (const target of targets) {
        for (const includeObject of ['None', 'Metadata', 'Object'] as const) {
          const body = render(list, { info, target, includeObject, now: new Date('2026-01-02T00:00:00Z') });
          encode(body, { format: 'json', pretty: true });
          encode(body, { format: 'yaml', pretty: false });
        }
      }
      assert.deepEqual(frozen, object);
    });
  }
});
