import { strict as assert } from 'node:assert';
import type { KubeObject } from '../../../../api/meta';
import { withEtcd } from '../../../support/etcd-fixture';

function obj(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } };
}

describe('EtcdStore.commit (real etcd)', function () {
  this.timeout(20_000);
  const etcd = withEtcd();

  it('applies creates, updates and deletes of several keys at one revision', async () => {
    const store = etcd.get().store();
    const p = etcd.get().keySpace().prefix;
    const updated = await store.create(`${p}/a`, obj('a'));
    await store.create(`${p}/gone`, obj('gone'));
    const result = await store.commit([
      { op: 'create', key: `${p}/b`, object: obj('b') },
      { op: 'update', key: `${p}/a`, object: { ...obj('a'), data: { x: '1' } }, expectedRevision: Number(updated.metadata.resourceVersion) },
      { op: 'delete', key: `${p}/gone` },
    ]);
    assert.ok(result.ok);
    assert.equal((await store.get(`${p}/b`))?.metadata.resourceVersion, String(result.revision));
    assert.deepEqual((await store.get(`${p}/a`))?.data, { x: '1' });
    assert.equal(await store.get(`${p}/gone`), undefined);
  });

  it('writes nothing and names the failed keys when one condition does not hold', async () => {
    const store = etcd.get().store();
    const p = etcd.get().keySpace().prefix;
    await store.create(`${p}/taken`, obj('taken'));
    const stale = await store.create(`${p}/stale`, obj('stale'));
    await store.update(`${p}/stale`, { ...obj('stale'), data: { v: '2' } }, Number(stale.metadata.resourceVersion));
    const result = await store.commit([
      { op: 'create', key: `${p}/fresh`, object: obj('fresh') },
      { op: 'create', key: `${p}/taken`, object: obj('taken') },
      { op: 'update', key: `${p}/stale`, object: obj('stale'), expectedRevision: Number(stale.metadata.resourceVersion) },
      { op: 'delete', key: `${p}/missing`, expectedRevision: 5 },
    ]);
    assert.deepEqual(result, { ok: false, failed: [`${p}/taken`, `${p}/stale`, `${p}/missing`] });
    assert.equal(await store.get(`${p}/fresh`), undefined, 'the create that could have succeeded was not applied');
  });
});
