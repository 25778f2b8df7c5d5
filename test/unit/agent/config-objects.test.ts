import assert from 'node:assert/strict';
import type { ConfigMap, Secret } from '../../../api/config-v1';
import { ConfigObjects, type ConfigChange } from '../../../agent/config-objects';
import { FeedBatch } from '../../../agent/feed/feed-batch';
import { CONFIG_MAPS, SECRETS, configShapeProblem } from '../../../agent/feed/feed-kinds';

const cm = (name: string, rv: string, data: Record<string, string> = { k: 'v' }): ConfigMap =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', uid: `cm-${name}`, resourceVersion: rv }, data });
const secret = (name: string, rv: string): Secret =>
  ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default', uid: `s-${name}`, resourceVersion: rv }, data: { k: 'dg==' } });

describe('the agent’s ConfigMaps and Secrets', () => {
  let changes: ConfigChange[];
  let objects: ConfigObjects;
  beforeEach(() => {
    changes = [];
    objects = new ConfigObjects((c) => changes.push(c));
  });

  it('keeps what the feed sends and says which keys changed, once per batch', () => {
    objects.apply(FeedBatch.empty().with(CONFIG_MAPS, { full: true, objects: [cm('a', '1'), cm('b', '1')], removed: [] }).with(SECRETS, { full: true, objects: [secret('s', '1')], removed: [] }));
    assert.deepEqual(changes, [{ configMaps: ['default/a', 'default/b'], secrets: ['default/s'] }]);
    assert.equal(objects.configMap('default', 'a')?.data?.k, 'v');
    assert.equal(objects.secret('default', 's')?.metadata.name, 's');
    assert.equal(objects.configMap('prod', 'a'), undefined);
  });

  it('reports an edit and a removal, and nothing for a batch that changes nothing', () => {
    objects.apply(FeedBatch.empty().with(CONFIG_MAPS, { full: true, objects: [cm('a', '1'), cm('b', '1')], removed: [] }));
    changes.length = 0;
    objects.apply(FeedBatch.empty().with(CONFIG_MAPS, { full: false, objects: [cm('a', '2', { k: 'edited' })], removed: ['default/b'] }));
    assert.deepEqual(changes, [{ configMaps: ['default/a', 'default/b'], secrets: [] }]);
    assert.equal(objects.configMap('default', 'b'), undefined);
    objects.apply(FeedBatch.empty().with(CONFIG_MAPS, { full: true, objects: [cm('a', '2', { k: 'edited' })], removed: [] }));
    assert.equal(changes.length, 1, 'a full set equal to what is held changes nothing');
  });

  it('decodes only objects with a namespace, a name and string data', () => {
    assert.equal(configShapeProblem(cm('a', '1')), undefined);
    assert.match(configShapeProblem({ metadata: { name: 'a' } }) ?? '', /namespace and name/);
    assert.match(configShapeProblem({ metadata: { name: 'a', namespace: 'n' }, data: { k: 1 } }) ?? '', /data must map keys to strings/);
  });
});
