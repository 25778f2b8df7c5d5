/**
 * Bare-metal LoadBalancer status, like k3s's servicelb: a LoadBalancer Service (without a
 * loadBalancerClass, which would name another implementation) is reachable on its node ports
 * at every Ready node, so `status.loadBalancer.ingress` lists the Ready nodes' InternalIPs and
 * `kubectl get svc` never shows <pending>. Services that stop being LoadBalancers lose the
 * ingress. Pure: the controller writes the result through `…/status`.
 */
import type { Node } from '../../api/core-v1';
import type { LoadBalancerIngress, Service } from '../../api/service-v1';
import { stableJson } from '../registry/object-meta';
import { readEach } from '../reader-guard';

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

/** Whether this controller gives the service its ingress. */
export function servedHere(svc: Service): boolean {
  return svc.spec?.type === 'LoadBalancer' && !svc.spec.loadBalancerClass;
}

/** Whether the controller has anything to do with the service (it serves it, or must clear its ingress). */
export function concernsLoadBalancer(svc: Service): boolean {
  return servedHere(svc) || (svc.status?.loadBalancer?.ingress ?? []).length > 0;
}

/** The service with the status it should have, or undefined when it has it already. */
export function planLoadBalancerStatus(svc: Service, nodes: readonly Node[], skipped?: (node: Node, err: unknown) => void): Service | undefined {
  const ingress = servedHere(svc) ? loadBalancerIngress(nodes, skipped) : [];
  if (stableJson(svc.status?.loadBalancer?.ingress ?? []) === stableJson(ingress)) return undefined;
  const next = structuredClone(svc);
  next.status = { ...(next.status ?? {}), loadBalancer: ingress.length > 0 ? { ingress } : {} };
  return next;
}
