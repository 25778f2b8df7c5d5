/**
 * `pikube-server secrets reencrypt`: after a key rotation, rewrites every stored value of the
 * resources `--encryption-provider-config` names that was not written by the first provider and
 * key, with it. Kubernetes' procedure is `kubectl get secrets -A -o json | kubectl replace -f -`;
 * this does it beside etcd with the server's own settings (/etc/pikube/server.yaml:
 * --etcd-endpoints, --etcd-prefix, --encryption-provider-config), one compare-and-swap per value
 * (EtcdStore.rewriteStale), so a concurrent write is never lost. It prints what it rewrote per
 * resource; a value no provider can read is listed and makes the exit status 1.
 * Run it once every control plane has been restarted with the new key first (README, "Encrypting Secrets at rest").
 */
import { KINDS } from './registry/kinds';
import type { Flags } from './control-plane-config';
import { loadResourceEncryption } from './store/encryption/encryption-config-file';
import { EtcdStore } from './store/etcd-store';

export interface CommandOutput {
  text: string;
  exitCode: number;
}

export async function reencryptCommand(flags: Flags): Promise<CommandOutput> {
  const file = flags['encryption-provider-config'];
  if (!file) throw new Error('--encryption-provider-config is required (or encryption-provider-config in /etc/pikube/server.yaml)');
  const keySpace = { prefix: flags['etcd-prefix'] ?? '/registry' };
  const plan = loadResourceEncryption(file, keySpace, KINDS, () => undefined);
  const store = await EtcdStore.connect({ endpoints: (flags['etcd-endpoints'] ?? 'http://127.0.0.1:2379').split(','), transformers: plan });
  const lines: string[] = [];
  let rewritten = 0;
  let failed = 0;
  try {
    for (const resource of plan.resources) {
      const result = await store.rewriteStale(resource.prefix);
      rewritten += result.rewritten;
      failed += result.failed.length;
      lines.push(`${resource.name}: ${result.rewritten} rewritten with ${resource.writer}, ${result.current} already current${result.failed.length ? `, ${result.failed.length} unreadable` : ''}`);
      for (const f of result.failed) lines.push(`  ${f.key}: ${f.reason}`);
    }
  } finally {
    await store.close();
  }
  lines.push(`${rewritten} rewritten${failed ? `; ${failed} could not be read by any provider (left as they are)` : ''}`);
  return { text: `${lines.join('\n')}\n`, exitCode: failed > 0 ? 1 : 0 };
}
