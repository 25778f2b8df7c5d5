/**
 * `pikube-server reset --force`: removes every key of this cluster (everything under
 * `--etcd-prefix`, default /registry) from etcd (`--etcd-endpoints`), with the server's own
 * settings (/etc/pikube/server.yaml). `install.sh --uninstall` runs it on a one-node control
 * plane whose etcd is this machine's alone, as `kubeadm reset` removes its local etcd member's
 * data: the cluster's CA and encryption keys leave with /var/lib/pikube, so what etcd kept could
 * never be read again, and the next install must find an empty cluster, not a stranger's nodes.
 * Where other control planes share the etcd, it deletes the whole cluster: hence `--force`.
 */
import { parseEtcdFlags, type Flags } from './control-plane-config';
import { createEtcdClient } from './store/etcd-store';

export async function resetCommand(flags: Flags, force: boolean): Promise<string> {
  const etcd = parseEtcdFlags(flags);
  const where = `${etcd.prefix}/ in etcd ${etcd.endpoints.join(',')}`;
  if (!force) throw new Error(`reset deletes every key under ${where}: the whole cluster, for every control plane using that etcd. Add --force to do it`);
  const client = createEtcdClient({ endpoints: etcd.endpoints, requestTimeoutMs: 30_000 });
  try {
    const res = await client.delete().prefix(`${etcd.prefix}/`).exec();
    return `reset: deleted ${res.deleted} keys under ${where}\n`;
  } finally {
    client.close();
  }
}
