import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ApiError } from '../../../../../api/errors';
import { createJsonMergePatch } from '../../../../../control-plane/apiserver/patch/json-merge-patch';
import { applyStrategicMergePatch, hasStrategicMergeSchema } from '../../../../../control-plane/apiserver/patch/strategic-merge-patch';
import { jsonObjectWithoutNulls } from './json-arbitraries';

type Doc = Record<string, unknown>;

function pod(spec: Doc, metadata: Doc = { name: 'web' }): Doc {
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

const twoContainers = pod({
  containers: [
    { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80 }] },
    { name: 'sidecar', image: 'sidecar:1' },
  ],
});

interface Case {
  name: string;
  kind: string;
  original: Doc;
  patch: Doc;
  expected: Doc;
}

// Patches of the shapes kubectl apply, label, annotate, cordon, rollout and controllers send.
const cases: Case[] = [
  {
    name: "changes one container's image and keeps the other (kubectl apply)",
    kind: 'v1/Pod',
    original: twoContainers,
    patch: { spec: { '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }], containers: [{ name: 'app', image: 'app:2' }] } },
    expected: pod({
      containers: [
        { name: 'app', image: 'app:2', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80 }] },
        { name: 'sidecar', image: 'sidecar:1' },
      ],
    }),
  },
  {
    name: 'reorders containers as $setElementOrder says',
    kind: 'v1/Pod',
    original: pod({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }] } },
    expected: pod({ containers: [{ name: 'c' }, { name: 'a' }, { name: 'b' }] }),
  },
  {
    name: 'inserts a new container where $setElementOrder puts it',
    kind: 'v1/Pod',
    original: pod({ containers: [{ name: 'a' }, { name: 'c' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }, { name: 'c' }], containers: [{ name: 'b', image: 'b' }] } },
    expected: pod({ containers: [{ name: 'a' }, { name: 'b', image: 'b' }, { name: 'c' }] }),
  },
  {
    name: 'puts a new container first when no order directive says otherwise',
    kind: 'v1/Pod',
    original: pod({ containers: [{ name: 'a' }] }),
    patch: { spec: { containers: [{ name: 'b' }] } },
    expected: pod({ containers: [{ name: 'b' }, { name: 'a' }] }),
  },
  {
    name: 'deletes the container named by a $patch: delete item',
    kind: 'v1/Pod',
    original: twoContainers,
    patch: { spec: { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ name: 'sidecar', $patch: 'delete' }] } },
    expected: pod({ containers: [(twoContainers.spec as Doc & { containers: Doc[] }).containers[0]] }),
  },
  {
    name: 'replaces the whole list when an item says $patch: replace',
    kind: 'v1/Pod',
    original: twoContainers,
    patch: { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } },
    expected: pod({ containers: [{ name: 'only', image: 'x' }] }),
  },
  {
    name: 'merges env by name and drops a variable set to delete',
    kind: 'v1/Pod',
    original: twoContainers,
    patch: { spec: { containers: [{ name: 'app', env: [{ name: 'B', value: '3' }, { name: 'A', $patch: 'delete' }, { name: 'C', value: 'c' }] }] } },
    expected: pod({
      containers: [
        { name: 'app', image: 'app:1', env: [{ name: 'B', value: '3' }, { name: 'C', value: 'c' }], ports: [{ containerPort: 80 }] },
        { name: 'sidecar', image: 'sidecar:1' },
      ],
    }),
  },
  {
    name: 'merges container ports by containerPort',
    kind: 'v1/Pod',
    original: pod({ containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] }),
    patch: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } },
    expected: pod({ containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }, { containerPort: 443 }] }] }),
  },
  {
    name: 'replaces tolerations, which have no merge key',
    kind: 'v1/Pod',
    original: pod({ containers: [{ name: 'a' }], tolerations: [{ key: 'k1', operator: 'Exists' }, { key: 'k2', operator: 'Exists' }] }),
    patch: { spec: { tolerations: [{ key: 'k3', operator: 'Exists' }] } },
    expected: pod({ containers: [{ name: 'a' }], tolerations: [{ key: 'k3', operator: 'Exists' }] }),
  },
  {
    name: 'deletes a label with null and adds another (kubectl label)',
    kind: 'v1/Pod',
    original: pod({ containers: [] }, { name: 'web', labels: { app: 'web', tier: 'front' } }),
    patch: { metadata: { labels: { tier: null, env: 'prod' } } },
    expected: pod({ containers: [] }, { name: 'web', labels: { app: 'web', env: 'prod' } }),
  },
  {
    name: 'replaces a map whole with $patch: replace',
    kind: 'v1/Pod',
    original: pod({ containers: [] }, { name: 'web', labels: { a: '1', b: '2' } }),
    patch: { metadata: { labels: { $patch: 'replace', c: '3' } } },
    expected: pod({ containers: [] }, { name: 'web', labels: { c: '3' } }),
  },
  {
    name: 'empties a map with $patch: delete',
    kind: 'v1/Pod',
    original: pod({ containers: [], nodeSelector: { disk: 'ssd' } }),
    patch: { spec: { nodeSelector: { $patch: 'delete' } } },
    expected: pod({ containers: [], nodeSelector: {} }),
  },
  {
    name: 'unions finalizers (merge strategy on a list of scalars)',
    kind: 'v1/Pod',
    original: pod({ containers: [] }, { name: 'web', finalizers: ['a', 'b'] }),
    patch: { metadata: { finalizers: ['b', 'c'] } },
    expected: pod({ containers: [] }, { name: 'web', finalizers: ['a', 'b', 'c'] }),
  },
  {
    name: 'removes finalizers named by $deleteFromPrimitiveList',
    kind: 'v1/Pod',
    original: pod({ containers: [] }, { name: 'web', finalizers: ['a', 'b', 'c'] }),
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } },
    expected: pod({ containers: [] }, { name: 'web', finalizers: ['a', 'c'] }),
  },
  {
    name: 'removes a finalizer dropped from the manifest (kubectl apply)',
    kind: 'v1/Pod',
    original: pod({ containers: [] }, { name: 'web', finalizers: ['a', 'b'] }),
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'], '$setElementOrder/finalizers': ['b'] } },
    expected: pod({ containers: [] }, { name: 'web', finalizers: ['b'] }),
  },
  {
    name: 'orders finalizers with $setElementOrder',
    kind: 'v1/Pod',
    original: pod({ containers: [] }, { name: 'web', finalizers: ['a', 'b'] }),
    patch: { metadata: { '$setElementOrder/finalizers': ['c', 'a', 'b'], finalizers: ['c'] } },
    expected: pod({ containers: [] }, { name: 'web', finalizers: ['c', 'a', 'b'] }),
  },
  {
    name: 'merges ownerReferences by uid',
    kind: 'apps/v1/ReplicaSet',
    original: { metadata: { name: 'rs', ownerReferences: [{ uid: 'u1', name: 'd1', kind: 'Deployment' }] } },
    patch: { metadata: { ownerReferences: [{ uid: 'u1', controller: true }, { uid: 'u2', name: 'd2', kind: 'Deployment' }] } },
    expected: { metadata: { name: 'rs', ownerReferences: [{ uid: 'u1', name: 'd1', kind: 'Deployment', controller: true }, { uid: 'u2', name: 'd2', kind: 'Deployment' }] } },
  },
  {
    name: 'clears rollingUpdate when switching to Recreate with $retainKeys',
    kind: 'apps/v1/Deployment',
    original: { spec: { replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } } },
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } },
    expected: { spec: { replicas: 2, strategy: { type: 'Recreate' } } },
  },
  {
    name: 'switches a volume source with $retainKeys on the volume item',
    kind: 'apps/v1/Deployment',
    original: { spec: { template: { spec: { containers: [], volumes: [{ name: 'data', configMap: { name: 'cfg' } }, { name: 'keep', emptyDir: {} }] } } } },
    patch: { spec: { template: { spec: { volumes: [{ $retainKeys: ['emptyDir', 'name'], name: 'data', emptyDir: { medium: 'Memory' } }] } } } },
    expected: { spec: { template: { spec: { containers: [], volumes: [{ name: 'data', emptyDir: { medium: 'Memory' } }, { name: 'keep', emptyDir: {} }] } } } },
  },
  {
    name: 'leaves no directive behind in an item added whole',
    kind: 'apps/v1/Deployment',
    original: { spec: { template: { spec: { containers: [], volumes: [{ name: 'a', emptyDir: {} }] } } } },
    patch: { spec: { template: { spec: { volumes: [{ $retainKeys: ['name', 'secret'], name: 'b', secret: { secretName: 's' } }] } } } },
    expected: { spec: { template: { spec: { containers: [], volumes: [{ name: 'b', secret: { secretName: 's' } }, { name: 'a', emptyDir: {} }] } } } },
  },
  {
    name: 'adds the restartedAt template annotation (kubectl rollout restart)',
    kind: 'apps/v1/Deployment',
    original: { spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a' }] } } } },
    patch: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-01-01T00:00:00Z' } } } } },
    expected: { spec: { template: { metadata: { labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-01-01T00:00:00Z' } }, spec: { containers: [{ name: 'a' }] } } } },
  },
  {
    name: 'cordons a node and replaces its taints, which have no merge key',
    kind: 'v1/Node',
    original: { metadata: { name: 'n1' }, spec: { taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: 'NoSchedule' }] } },
    patch: { spec: { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] } },
    expected: { metadata: { name: 'n1' }, spec: { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] } },
  },
  {
    name: 'merges node conditions by type (a status update)',
    kind: 'v1/Node',
    original: { status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'MemoryPressure', status: 'False' }] } },
    patch: { status: { conditions: [{ type: 'Ready', status: 'False', reason: 'NodeStatusUnknown' }] } },
    expected: { status: { conditions: [{ type: 'Ready', status: 'False', reason: 'NodeStatusUnknown' }, { type: 'MemoryPressure', status: 'False' }] } },
  },
  {
    name: 'merges service ports by port',
    kind: 'v1/Service',
    original: { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 8443 }], selector: { app: 'web' } } },
    patch: { spec: { ports: [{ port: 80, targetPort: 9090 }] } },
    expected: { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443, targetPort: 8443 }], selector: { app: 'web' } } },
  },
  {
    name: 'merges volumeMounts by mountPath and imagePullSecrets by name',
    kind: 'v1/Pod',
    original: pod({ containers: [{ name: 'a', volumeMounts: [{ name: 'v', mountPath: '/data' }] }], imagePullSecrets: [{ name: 'r1' }] }),
    patch: { spec: { containers: [{ name: 'a', volumeMounts: [{ name: 'w', mountPath: '/data' }] }], imagePullSecrets: [{ name: 'r2' }] } },
    expected: pod({ containers: [{ name: 'a', volumeMounts: [{ name: 'w', mountPath: '/data' }] }], imagePullSecrets: [{ name: 'r2' }, { name: 'r1' }] }),
  },
  {
    name: 'replaces lists of kinds without a field model',
    kind: 'example.com/v1/Widget',
    original: { spec: { items: [{ name: 'a' }, { name: 'b' }], size: 1 } },
    patch: { spec: { items: [{ name: 'c' }] } },
    expected: { spec: { items: [{ name: 'c' }], size: 1 } },
  },
  {
    name: 'replaces lists of fields the model does not know',
    kind: 'v1/Pod',
    original: pod({ containers: [], futureList: [{ name: 'a' }] }),
    patch: { spec: { futureList: [{ name: 'b' }] } },
    expected: pod({ containers: [], futureList: [{ name: 'b' }] }),
  },
  {
    name: 'takes a value whose type changed from the patch, without nulls',
    kind: 'v1/Pod',
    original: pod({ containers: [], affinity: 'odd' }),
    patch: { spec: { affinity: { nodeAffinity: { x: null, y: 1 } } } },
    expected: pod({ containers: [], affinity: { nodeAffinity: { y: 1 } } }),
  },
];

describe('strategic merge patch', () => {
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(applyStrategicMergePatch(c.original, c.patch, c.kind), c.expected));
  }

  it('leaves its arguments untouched', () => {
    const original = structuredClone(twoContainers);
    const patch = { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } };
    applyStrategicMergePatch(original, patch, 'v1/Pod');
    assert.deepEqual(original, twoContainers);
    assert.deepEqual(patch, { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } });
  });

  it('knows the built-in kinds and not the others', () => {
    assert.equal(hasStrategicMergeSchema('apps/v1/Deployment'), true);
    assert.equal(hasStrategicMergeSchema('batch/v1/CronJob'), true);
    assert.equal(hasStrategicMergeSchema('example.com/v1/Widget'), false);
  });

  const invalid: [string, Doc, string, number][] = [
    ['$patch: merge on an object', { spec: { nodeSelector: { $patch: 'merge' } } }, 'unknown patch type: merge in map: map[$patch:merge]', 400],
    ['an unknown list directive', { spec: { containers: [{ name: 'a', $patch: 'frob' }] } }, 'unknown patch type: frob in map: map[$patch:frob name:a]', 400],
    ['$patch: merge in a list', { spec: { containers: [{ $patch: 'merge' }] } }, 'merging lists cannot yet be specified in the patch', 400],
    ['an item without its merge key', { spec: { containers: [{ image: 'x' }] } }, 'map: map[image:x] does not contain declared merge key: name', 400],
    ['$retainKeys that is not a list', { spec: { strategy: { $retainKeys: 'type' } } }, 'invalid patch format of retainKeys', 400],
    ['a field missing from $retainKeys', { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, 'invalid patch format of retainKeys', 400],
    ['$setElementOrder without a list name', { spec: { $setElementOrder: [] } }, 'invalid patch format of setElementOrder list', 400],
    ['$deleteFromPrimitiveList without a list name', { metadata: { $deleteFromPrimitiveListfinalizers: ['a'] } }, 'invalid patch format of primitive list', 400],
    ['mixed item types in a merged list', { metadata: { finalizers: [1] } }, 'list element types are not identical: [[a] [1]]', 400],
  ];
  for (const [name, patch, message, status] of invalid) {
    it(`rejects ${name}`, () => {
      const original = { metadata: { name: 'd', finalizers: ['a'] }, spec: { strategy: { type: 'Recreate' }, nodeSelector: {}, containers: [{ name: 'a' }] } };
      const kind = name.includes('retainKeys') ? 'apps/v1/Deployment' : 'v1/Pod';
      assert.throws(() => applyStrategicMergePatch(original, patch, kind), (err: unknown) =>
        err instanceof ApiError && err.message === message && err.httpStatus === status);
    });
  }

  it('rejects a list of lists in a merged list with 422', () => {
    const original = { metadata: { name: 'p', finalizers: [] } };
    assert.throws(() => applyStrategicMergePatch(original, { metadata: { finalizers: [['a']] } }, 'v1/Pod'), (err: unknown) =>
      err instanceof ApiError && err.code === 'Invalid' && err.message === 'the server rejected our request due to an error in our request');
  });

  it('rejects a patch that is not an object', () => {
    assert.throws(() => applyStrategicMergePatch({}, [1], 'v1/Pod'), (err: unknown) =>
      err instanceof ApiError && err.code === 'BadRequest' && err.message === 'invalid JSON document');
  });

  it('leaves any object unchanged when the patch is {}', () => {
    fc.assert(fc.property(jsonObjectWithoutNulls(), fc.constantFrom('v1/Pod', 'apps/v1/Deployment', 'x/v1/Y'), (doc, kind) => {
      assert.deepEqual(applyStrategicMergePatch(doc, {}, kind), doc);
    }));
  });

  it('reproduces the target from a merge patch of the diff where no list has a merge strategy', () => {
    fc.assert(fc.property(jsonObjectWithoutNulls(), jsonObjectWithoutNulls(), (original, modified) => {
      const patch = createJsonMergePatch(original, modified);
      assert.deepEqual(applyStrategicMergePatch(original, patch, 'example.com/v1/Widget'), modified);
    }));
  });

  it('changes only the image of the container it names, whatever the other containers', () => {
    const container = fc.record({ name: fc.stringMatching(/^[a-z]{1,5}$/), image: fc.string({ maxLength: 4 }) }).map((c) => ({ ...c }));
    const containers = fc.uniqueArray(container, {
      minLength: 1, maxLength: 5, selector: (c) => c.name,
    });
    fc.assert(fc.property(containers, fc.nat(), fc.string({ maxLength: 4 }), (list, pick, image) => {
      const target = list[pick % list.length].name;
      const order = list.map((c) => ({ name: c.name }));
      const patched = applyStrategicMergePatch(pod({ containers: list }), {
        spec: { '$setElementOrder/containers': order, containers: [{ name: target, image }] },
      }, 'v1/Pod');
      assert.deepEqual(patched, pod({ containers: list.map((c) => (c.name === target ? { name: c.name, image } : c)) }));
    }));
  });
});
