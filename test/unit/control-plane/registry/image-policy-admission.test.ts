import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import { ApiError } from '../../../../api/errors';
import { parseImagePolicy } from '../../../../api/image-policy';
import { Registry } from '../../../../control-plane/registry/registry';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import { forbiddenMessage } from '../../../support/api-rejection';

function aPod(name: string, image: string, initImage?: string): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name },
    spec: { containers: [{ name: 'web', image }], ...(initImage ? { initContainers: [{ name: 'init', image: initImage }] } : {}) },
  } as Pod;
}


const ALLOWED = 'registry.home.lan/*, docker.io/library';

describe('image policy admission (Registry over the memory store)', () => {
  let registry: Registry;
  const names = async (): Promise<string[]> => (await registry.list<Pod>('pods', { namespace: 'default' })).items.map((p) => p.metadata.name ?? '');

  beforeEach(async () => {
    registry = new Registry({ store: new MemoryStore(), imagePolicy: parseImagePolicy(ALLOWED) });
    await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  });

  it('admits pods whose images all come from allowed registries', async () => {
    await registry.create('pods', 'default', aPod('a', 'registry.home.lan/app:1', 'busybox'));
    await registry.create('pods', 'default', aPod('b', 'nginx'));
    assert.deepEqual(await names(), ['a', 'b']);
  });

  it('refuses a pod naming the container, the image as normalised and the allow-list; nothing is stored', async () => {
    const message = await forbiddenMessage(registry.create('pods', 'default', aPod('x', 'registry.home.lan/app', 'me/tools:2')));
    assert.equal(message, 'pods "x" is forbidden: image policy: image "docker.io/me/tools:2" of container "init" is not from an allowed registry (allowed: registry.home.lan/*, docker.io/library)');
    assert.deepEqual(await names(), []);
  });

  it('refuses a generated name with the name it was given, and an unparseable image', async () => {
    const pod = aPod('', 'ghcr.io/org/app');
    pod.metadata = { generateName: 'web-' };
    assert.match(await forbiddenMessage(registry.create('pods', 'default', pod)), /^pods "web-[a-z0-9]{5}" is forbidden: image policy: image "ghcr.io\/org\/app:latest" of container "web"/);
    assert.equal(await forbiddenMessage(registry.create('pods', 'default', aPod('y', 'Bad/Image'))),
      'pods "y" is forbidden: image policy: image "Bad/Image" of container "web" is not a valid image reference');
    assert.deepEqual(await names(), []);
  });

  it('refuses updates (PUT and PATCH) that bring a refused image, keeping the stored pod', async () => {
    const stored = await registry.create<Pod>('pods', 'default', aPod('a', 'registry.home.lan/app:1'));
    const next = structuredClone(stored);
    next.spec.containers[0].image = 'docker.io/me/app:2';
    assert.match(await forbiddenMessage(registry.update('pods', 'default', 'a', next)), /image "docker\.io\/me\/app:2" of container "web" is not from an allowed registry/);
    const patch = { spec: { containers: [{ name: 'web', image: 'quay.io/x/y' }] } };
    assert.match(await forbiddenMessage(registry.patch('pods', 'default', 'a', 'strategic-merge-patch', patch)), /image "quay\.io\/x\/y:latest" of container "web"/);
    assert.match(await forbiddenMessage(registry.patch('pods', 'default', 'a', 'strategic-merge-patch', patch, { dryRun: true })), /quay\.io/);
    assert.equal((await registry.get<Pod>('pods', 'default', 'a')).spec.containers[0].image, 'registry.home.lan/app:1');
    next.spec.containers[0].image = 'registry.home.lan/app:2';
    await registry.update('pods', 'default', 'a', next);
    assert.equal((await registry.get<Pod>('pods', 'default', 'a')).spec.containers[0].image, 'registry.home.lan/app:2');
  });

  it('judges only the images an update changes: a pod admitted under another policy can still be labelled', async () => {
    const store = new MemoryStore();
    const open = new Registry({ store });
    await open.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    await open.create('pods', 'default', aPod('old', 'quay.io/x/y'));
    const strict = new Registry({ store, imagePolicy: parseImagePolicy(ALLOWED) });
    await strict.patch('pods', 'default', 'old', 'merge-patch', { metadata: { labels: { a: 'b' } } });
    assert.equal((await strict.get<Pod>('pods', 'default', 'old')).metadata.labels?.a, 'b');
  });

  it('admits everything when no policy is set', async () => {
    const open = new Registry({ store: new MemoryStore() });
    await open.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    await open.create('pods', 'default', aPod('any', 'quay.io/x/y'));
  });
});
