import assert from 'node:assert/strict';
import type { Pod } from '../../../api/core-v1';
import { DesiredPods } from '../../../agent/desired-pods';
import type { ObjectChange } from '../../../agent/feed/feed-batch';

function aPod(name: string, resourceVersion = '1', uid = `uid-${name}`): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid, resourceVersion }, spec: { containers: [{ name: 'c' }] } };
}

const full = (...pods: Pod[]): ObjectChange<Pod> => ({ full: true, objects: pods, removed: [] });
const incremental = (pods: Pod[], removed: string[] = []): ObjectChange<Pod> => ({ full: false, objects: pods, removed });
const names = (d: DesiredPods): string[] => d.list().map((p) => p.metadata.name ?? '');

describe('DesiredPods', () => {
  it('a full sync replaces everything known before: pods absent from it are gone', () => {
    const desired = new DesiredPods();
    assert.equal(desired.apply(full(aPod('a'), aPod('b'))), true);
    assert.equal(desired.apply(full(aPod('b'), aPod('c'))), true);
    assert.deepEqual(names(desired), ['b', 'c']);
    assert.equal(desired.has('uid-a'), false);
    assert.equal(desired.has('uid-c'), true);
  });

  it('an empty full sync empties the set', () => {
    const desired = new DesiredPods();
    desired.apply(full(aPod('a')));
    assert.equal(desired.apply(full()), true);
    assert.equal(desired.size, 0);
  });

  it('an incremental sync upserts and removes by namespace/name, leaving other pods alone', () => {
    const desired = new DesiredPods();
    desired.apply(full(aPod('a'), aPod('b')));
    assert.equal(desired.apply(incremental([aPod('c'), aPod('a', '2')], ['default/b'])), true);
    assert.deepEqual(names(desired), ['a', 'c']);
    assert.equal(desired.list()[0]?.metadata.resourceVersion, '2');
  });

  it('reports no change when a sync repeats what is already known', () => {
    const desired = new DesiredPods();
    desired.apply(full(aPod('a'), aPod('b')));
    assert.equal(desired.apply(full(aPod('b'), aPod('a'))), false);
    assert.equal(desired.apply(incremental([aPod('a')], ['default/unknown'])), false);
    assert.equal(desired.apply(undefined), false);
  });

  it('treats a recreated pod (same name, new uid) as a different pod', () => {
    const desired = new DesiredPods();
    desired.apply(full(aPod('web', '1', 'uid-1')));
    assert.equal(desired.apply(incremental([aPod('web', '5', 'uid-2')], ['default/web'])), true);
    assert.deepEqual(desired.list().map((p) => p.metadata.uid), ['uid-2']);
    assert.equal(desired.has('uid-1'), false);
  });

  it('replaces a pod upserted under its name with a new uid even without a removal', () => {
    const desired = new DesiredPods();
    desired.apply(full(aPod('web', '1', 'uid-1')));
    assert.equal(desired.apply(incremental([aPod('web', '1', 'uid-2')])), true);
    assert.deepEqual(desired.list().map((p) => p.metadata.uid), ['uid-2']);
  });

  it('lists pods in a stable namespace/name order', () => {
    const desired = new DesiredPods();
    const other = { ...aPod('a'), metadata: { ...aPod('a').metadata, namespace: 'kube-system', uid: 'uid-ks-a' } };
    desired.apply(full(aPod('z'), other, aPod('m')));
    assert.deepEqual(desired.list().map((p) => `${p.metadata.namespace}/${p.metadata.name}`), ['default/m', 'default/z', 'kube-system/a']);
  });
});
