/**
 * Bare-metal LoadBalancer status, like k3s's servicelb: a LoadBalancer Service (without a
 * loadBalancerClass, which would name another implementation) is reachable on its node ports
 * at every Ready node, so `status.loadBalancer.ingress` lists the Ready nodes' InternalIPs and
 * `kubectl get svc` never shows <pending>. Services that stop being LoadBalancers lose the
 * ingress. Written through `…/status`, only when it differs.
 */
import type { Node } from '../../api/core-v1';
import type { LoadBalancerIngress, Service } from '../../api/service-v1';
import type { Registry } from '../registry/registry';
import { SERVICES } from '../registry/kinds';
import { stableJson } from '../registry/object-meta';
import { logText } from '../log-text';
import type { Informer } from '../store/informer';
import { serviceKey } from './endpoints-controller';
import { readEach, SkipReporter } from '../reader-guard';
import { WorkQueue } from './work-queue';

export interface LoadBalancerControllerOptions {
  registry: Registry;
  services: Informer<Service>;
  nodes: Informer<Node>;
  log?: (message: string) => void;
}

function nodeIsReady(node: Node): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The ingress of every served LoadBalancer: Ready nodes' InternalIPs, sorted. */
export function loadBalancerIngress(nodes: readonly Node[], skipped: (node: Node, err: unknown) => void = () => undefined): LoadBalancerIngress[] {
  const internalIPs = (n: Node): string[] | undefined => (nodeIsReady(n) ? (n.status?.addresses ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address) : undefined);
  // A malformed Node is left out (and reported): the other nodes still serve the balancer.
  const ips = readEach(nodes, internalIPs, skipped).flat().filter((ip): ip is string => typeof ip === 'string');
  return [...new Set(ips)].sort().map((ip) => ({ ip, ipMode: 'VIP' as const }));
}

function servedHere(svc: Service): boolean {
  return svc.spec?.type === 'LoadBalancer' && !svc.spec.loadBalancerClass;
}

export class LoadBalancerController {
  private readonly queue: WorkQueue;
  private readonly skipped: SkipReporter;

  constructor(private readonly opts: LoadBalancerControllerOptions) {
    this.skipped = new SkipReporter('load balancer controller', opts.log ?? console.warn);
    this.queue = new WorkQueue((key) => this.reconcile(key), { baseDelayMs: 200, maxDelayMs: 10_000,
      onError: (key, err) => opts.log?.(`load balancer ${logText(key)}: ${logText(err)}`) });
  }

  async run(signal: AbortSignal): Promise<void> {
    const enqueueAll = (): void => {
      for (const svc of this.opts.services.list((s) => servedHere(s) || hasIngress(s))) this.queue.add(serviceKey(svc));
    };
    const subs = [this.opts.services.onChange((_t, svc) => this.queue.add(serviceKey(svc))), this.opts.nodes.onChange(enqueueAll)];
    try {
      await Promise.all([this.opts.services.whenSynced(signal), this.opts.nodes.whenSynced(signal)]);
      enqueueAll();
      await this.queue.run(signal);
    } finally {
      for (const sub of subs) sub.dispose();
    }
  }

  async reconcile(key: string): Promise<void> {
    const svc = this.opts.services.get(key);
    if (!svc) return;
    const ingress = servedHere(svc) ? loadBalancerIngress(this.opts.nodes.list(), (node, err) => this.skipped.report(node, err)) : [];
    const current = svc.status?.loadBalancer?.ingress ?? [];
    if (stableJson(current) === stableJson(ingress)) return;
    const next = structuredClone(svc);
    next.status = { ...(next.status ?? {}), loadBalancer: ingress.length > 0 ? { ingress } : {} };
    await this.opts.registry.updateStatus(SERVICES, svc.metadata.namespace, svc.metadata.name ?? '', next);
  }
}

function hasIngress(svc: Service): boolean {
  return (svc.status?.loadBalancer?.ingress ?? []).length > 0;
}
