/**
 * Node Leases and `kubectl describe node` on the simulated cluster: each node's Lease in
 * kube-node-lease is derived from its session (renewTime = the last message heard), and
 * nothing is written to etcd for it.
 */
import assert from 'node:assert/strict';
import { withTestCluster } from '../support/cluster-fixture';

describe('node Leases', function () {
  this.timeout(180_000);
  const cluster = withTestCluster({}, async () => undefined);
  const kubectl = (args: string[]) => cluster.get().kubectl(args, { timeoutMs: 30_000 });

  it('lists one Lease per node in kube-node-lease, held by the node and renewed by its session', async () => {
    const nodes = (await kubectl(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'])).stdout.trim().split(' ').sort();
    const leases = await kubectl(['get', 'leases', '-n', 'kube-node-lease', '-o', 'json']);
    assert.equal(leases.code, 0, leases.stderr);
    const items = (JSON.parse(leases.stdout) as { items: { metadata: { name: string }; spec: { holderIdentity: string; renewTime: string; leaseDurationSeconds: number } }[] }).items;
    assert.deepEqual(items.map((l) => l.metadata.name).sort(), nodes);
    for (const lease of items) {
      assert.equal(lease.spec.holderIdentity, lease.metadata.name);
      assert.equal(lease.spec.leaseDurationSeconds, 40);
      assert.ok(Date.now() - Date.parse(lease.spec.renewTime) < 10_000, `renewTime ${lease.spec.renewTime}`);
    }
    const table = await kubectl(['get', 'leases', '-n', 'kube-node-lease']);
    assert.match(table.stdout, /^NAME\s+HOLDER\s+AGE\n/);
  });

  it('shows the Lease in kubectl describe node', async () => {
    const described = await kubectl(['describe', 'node', 'pi1']);
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /Lease:\n\s+HolderIdentity:\s+pi1\n\s+AcquireTime:\s+<unset>\n\s+RenewTime:\s+\w{3}, \d{2} \w{3} \d{4}/);
  });
});
