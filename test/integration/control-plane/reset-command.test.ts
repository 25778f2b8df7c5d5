/**
 * `pikube-server reset --force` (install.sh --uninstall on a one-node control plane): every key
 * under the cluster's prefix leaves etcd, nothing else does; without --force nothing happens.
 */
import assert from 'node:assert/strict';
import { resetCommand } from '../../../control-plane/reset-command';
import { withEtcd } from '../../support/etcd-fixture';

describe('pikube-server reset (real etcd)', function () {
  this.timeout(30_000);
  const etcd = withEtcd();

  const keys = async (prefix: string): Promise<string[]> => (await etcd.get().client().getAll().prefix(prefix).keys()).sort();

  it('deletes every key under --etcd-prefix and none beside it', async () => {
    const prefix = etcd.get().keySpace().prefix;
    const client = etcd.get().client();
    for (const k of [`${prefix}/core/pods/default/a`, `${prefix}/leader/1`, `${prefix}-other/x`, `${prefix}x`]) await client.put(k).value('v');
    const out = await resetCommand({ 'etcd-endpoints': etcd.get().endpoint, 'etcd-prefix': prefix }, true);
    assert.equal(out, `reset: deleted 2 keys under ${prefix}/ in etcd ${etcd.get().endpoint}\n`);
    assert.deepEqual(await keys(prefix), [`${prefix}-other/x`, `${prefix}x`]);
  });

  it('refuses without --force, naming what it would delete, and deletes nothing', async () => {
    const prefix = etcd.get().keySpace().prefix;
    await etcd.get().client().put(`${prefix}/core/pods/default/a`).value('v');
    await assert.rejects(resetCommand({ 'etcd-endpoints': etcd.get().endpoint, 'etcd-prefix': prefix }, false), new RegExp(`every key under ${prefix}/ in etcd .*Add --force`));
    assert.deepEqual(await keys(prefix), [`${prefix}/core/pods/default/a`]);
  });
});
