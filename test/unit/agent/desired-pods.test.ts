import assert from 'node:assert/strict';
import type { Pod } from '../../../api/core-v1';
import { DesiredPods, decodePodSync, type PodSyncChange } from '../../../agent/desired-pods';

function aPod(name: string, resourceVersion = '1', uid = `uid-${name}`): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid, resourceVersion }, spec: { containers: [{ name: 'c' }] } };
}

const full = (...pods: Pod[]): PodSyncChange => ({ full: true, pods, removedUids: [] });
const incremental = (pods: Pod[], removedUids: string[] = []): PodSyncChange => ({ full: false, pods, removedUids });
const names = (d: DesiredPods): string[] => d.list().map((p) => p.metadata.name ?? '');

describe('DesiredPods', () => {
  it('a full sync replaces everything known before: pods absent from it are gone', () => {
    const desired = new DesiredPods();
    assert.equal(desired.apply(full(aPod('a'), aPod('b'))), true);
    assert.equal(desired.apply(full(aPod('b'), aPod('c'))), true);
    assert.deepEqual(names(desired), ['b', 'c']);
  });

  it('an empty full sync empties the set', () => {
    const desired = new DesiredPods();
    desired.apply(full(aPod('a')));
    assert.equal(desired.apply(full()), true);
    assert.equal(desired.size, 0);
  });

  it('an incremental sync upserts and removes, leaving other pods alone', () => {
    const desired = new DesiredPods();
    desired.apply(full(aPod('a'), aPod('b')));
    assert.equal(desired.apply(incremental([aPod('c'), aPod('a', '2')], ['uid-b'])), true);
    assert.deepEqual(names(desired), ['a', 'c']);
    assert.equal(desired.get('uid-a')?.metadata.resourceVersion, '2');
  });

  it('reports no change when a sync repeats what is already known', () => {
    const desired = new DesiredPods();
    desired.apply(full(aPod('a'), aPod('b')));
    assert.equal(desired.apply(full(aPod('b'), aPod('a'))), false);
    assert.equal(desired.apply(incremental([aPod('a')], ['uid-unknown'])), false);
  });

  it('treats a recreated pod (same name, new uid) as a different pod', () => {
    const desired = new DesiredPods();
    desired.apply(full(aPod('web', '1', 'uid-1')));
    assert.equal(desired.apply(incremental([aPod('web', '5', 'uid-2')], ['uid-1'])), true);
    assert.deepEqual(desired.list().map((p) => p.metadata.uid), ['uid-2']);
  });

  it('lists pods in a stable namespace/name order', () => {
    const desired = new DesiredPods();
    const other = { ...aPod('a'), metadata: { ...aPod('a').metadata, namespace: 'kube-system', uid: 'uid-ks-a' } };
    desired.apply(full(aPod('z'), other, aPod('m')));
    assert.deepEqual(desired.list().map((p) => `${p.metadata.namespace}/${p.metadata.name}`), ['default/m', 'default/z', 'kube-system/a']);
  });
});

describe('decodePodSync', () => {
  it('decodes pods and removals, skipping entries that are not pods with a uid', () => {
    const { change, errors } = decodePodSync({
      full: true,
      pods_json: [Buffer.from(JSON.stringify(aPod('a'))), Buffer.from('{"metadata":{}}'), Buffer.from('not json')],
      removed_uids: ['x'],
    });
    assert.deepEqual(change.pods.map((p) => p.metadata.name), ['a']);
    assert.deepEqual(change.removedUids, ['x']);
    assert.equal(change.full, true);
    assert.equal(errors.length, 2);
    assert.match(errors[0], /^pods_json\[1\]: not a pod with metadata.uid/);
  });
});
