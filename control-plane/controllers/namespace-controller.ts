/**
 * Empties namespaces being deleted, as Kubernetes' namespace controller does: once a
 * namespace is Terminating, every namespaced object in it is deleted (pods gracefully, so
 * their nodes stop them first); when none is left, the `kubernetes` finalizer is removed
 * through `…/finalize` and the namespace goes away.
 */
import type { Namespace } from '../../api/core-v1';
import { isApiError } from '../../api/errors';
import type { Registry } from '../registry/registry';
import { isTerminating } from '../registry/namespace-lifecycle';
import { logText } from '../log-text';
import type { Informer } from '../store/informer';
import { WorkQueue } from './work-queue';

const FINALIZER = 'kubernetes';

export interface NamespaceControllerOptions {
  registry: Registry;
  namespaces: Informer<Namespace>;
  /** How often a namespace still holding objects is looked at again. */
  recheckMs?: number;
  log?: (message: string) => void;
}

export class NamespaceController {
  private readonly queue: WorkQueue;

  constructor(private readonly opts: NamespaceControllerOptions) {
    this.queue = new WorkQueue((key) => this.reconcile(key), { baseDelayMs: opts.recheckMs ?? 1000, maxDelayMs: 10_000,
      onError: (key, err) => opts.log?.(`namespace ${logText(key)}: ${logText(err)}`) });
  }

  async run(signal: AbortSignal): Promise<void> {
    const sub = this.opts.namespaces.onChange((type, ns) => type !== 'DELETED' && isTerminating(ns) && this.queue.add(ns.metadata.name ?? ''));
    try {
      await this.opts.namespaces.whenSynced(signal);
      for (const ns of this.opts.namespaces.list(isTerminating)) this.queue.add(ns.metadata.name ?? '');
      await this.queue.run(signal);
    } finally {
      sub.dispose();
    }
  }

  private async reconcile(name: string): Promise<void> {
    const ns = this.opts.namespaces.get(name);
    if (!ns || !isTerminating(ns)) return;
    const remaining = await this.deleteContents(name);
    // Throwing requeues with backoff: objects still terminating (pods in their grace period).
    if (remaining > 0) throw new NamespaceNotEmpty(name, remaining);
    await this.finalize(ns);
  }

  /** Deletes every namespaced object in the namespace; returns how many still exist. */
  private async deleteContents(namespace: string): Promise<number> {
    let remaining = 0;
    for (const info of this.opts.registry.resources.filter((r) => r.namespaced && r.verbs.includes('deletecollection'))) {
      const list = await this.opts.registry.list(info, { namespace });
      if (list.items.length === 0) continue;
      await this.opts.registry.deleteCollection(info, { namespace, propagationPolicy: 'Background' });
      remaining += (await this.opts.registry.list(info, { namespace })).items.length;
    }
    return remaining;
  }

  private async finalize(ns: Namespace): Promise<void> {
    const finalizers = (ns.spec?.finalizers ?? []).filter((f) => f !== FINALIZER);
    try {
      await this.opts.registry.finalizeNamespace(ns.metadata.name ?? '', { ...structuredClone(ns), spec: { finalizers } });
    } catch (err) {
      if (isApiError(err, 'NotFound')) return;
      throw err;
    }
  }
}

class NamespaceNotEmpty extends Error {
  constructor(name: string, remaining: number) {
    super(`namespace ${name} still has ${remaining} object(s) being deleted`);
  }
}
