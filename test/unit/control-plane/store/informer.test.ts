import assert from 'node:assert/strict';
import type { Node } from '../../../../api/core-v1';
import type { KubeObject } from '../../../../api/meta';
import { Informer } from '../../../../control-plane/store/informer';
import type { ListResult, Store, StoreWatch, WatchOptions } from '../../../../control-plane/store/store';

/** A store that lists fixed objects and whose watch stays open until disposed; nothing else is used. */
function listingStore(items: KubeObject[]): Store {
  const unused = (): never => {
    throw new Error('not used by the informer');
  };
  return {
    list: async <T extends KubeObject>(): Promise<ListResult<T>> => ({ items: structuredClone(items) as T[], revision: 5 }),
    watch: <T extends KubeObject>(_prefix: string, _options: WatchOptions<T>): StoreWatch => ({ dispose: () => undefined }),
    create: unused, get: unused, update: unused, delete: unused, commit: unused, currentRevision: unused, close: async () => undefined,
  };
}

function aNode(name: string, ready: string): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, resourceVersion: '3' }, spec: {}, status: { conditions: [{ type: 'Ready', status: ready as 'True' }] } };
}

describe('informer', () => {
  it('leaves out an object its filter throws on, reporting it once, and lists the others', async () => {
    const malformed = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'bad', resourceVersion: '4' }, status: { conditions: 'x' } } as unknown as Node;
    const logs: string[] = [];
    const informer = new Informer<Node>(listingStore([aNode('pi1', 'True'), malformed, aNode('pi2', 'False')]), '/registry/core/nodes/', { log: (m) => logs.push(m) });
    informer.start();
    try {
      await informer.whenSynced();
      const ready = (n: Node): boolean => (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      assert.deepEqual(informer.list(ready).map((n) => n.metadata.name), ['pi1']);
      assert.deepEqual(informer.list(ready).map((n) => n.metadata.name), ['pi1']);
      assert.equal(logs.length, 1, logs.join('\n'));
      assert.match(logs[0] ?? '', /skipping malformed object bad \(resourceVersion 4\)/);
      assert.equal(informer.list().length, 3, 'the cache itself keeps every object');
    } finally {
      informer.dispose();
    }
  });

  it('keeps calling its other handlers when one throws, naming the object in the log', async () => {
    const logs: string[] = [];
    const seen: string[] = [];
    const informer = new Informer<Node>(listingStore([aNode('pi\n1', 'True')]), '/registry/core/nodes/', { log: (m) => logs.push(m) });
    informer.onChange(() => {
      throw new Error('boom');
    });
    informer.onChange((_type, node) => seen.push(node.metadata.name ?? ''));
    informer.start();
    try {
      await informer.whenSynced();
      assert.deepEqual(seen, ['pi\n1']);
      assert.match(logs[0] ?? '', /a ADDED handler failed on pi\\n1: boom/);
    } finally {
      informer.dispose();
    }
  });

  it('indexes what it already holds when an index is added, leaving out (and reporting) an object the index throws on', async () => {
    const malformed = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'bad', resourceVersion: '4' }, status: { conditions: 'x' } } as unknown as Node;
    const logs: string[] = [];
    const informer = new Informer<Node>(listingStore([aNode('pi1', 'True'), malformed, aNode('pi2', 'False')]), '/registry/core/nodes/', { log: (m) => logs.push(m) });
    informer.start();
    try {
      await informer.whenSynced();
      informer.addIndex('byReady', (n) => (n.status?.conditions ?? []).map((c) => c.status));
      assert.deepEqual(informer.byIndex('byReady', 'True').map((n) => n.metadata.name), ['pi1']);
      assert.deepEqual(informer.byIndex('byReady', 'Unknown'), []);
      assert.match(logs.join('\n'), /skipping malformed object bad/);
      assert.throws(() => informer.byIndex('nope', 'x'), /has no index nope/);
    } finally {
      informer.dispose();
    }
  });
});
