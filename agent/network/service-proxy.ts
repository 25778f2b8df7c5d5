/**
 * The agent's kube-proxy: the services and endpoint slices its node was sent, and the host
 * ports of its pods (what the CNI portmap plugin does elsewhere), go in; the node's rules come out. Level-triggered: each `sync` renders the whole desired state; the applier
 * skips unchanged text and coalesces bursts, so calling it on every change is cheap.
 */
import type { EndpointSlice, Service } from '../../api/service-v1';
import type { HostPortMapping } from './host-port-model';
import { renderRuleSet, type RuleSet } from './iptables-rules';
import type { RuleApplier } from './rule-applier';
import { servicePortsFrom, type LocalDns } from './service-ports';

export interface ServiceProxyOptions {
  nodeName: string;
  /** The cluster (pod) CIDR, e.g. 10.42.0.0/16. */
  clusterCIDR?: string;
  applier: Pick<RuleApplier, 'apply'>;
}

export class ServiceProxy {
  constructor(private readonly opts: ServiceProxyOptions) {}

  /**
   * Applies rules for exactly these services and pods' host ports (kube-dns to `dns`, the
   * node's own DNS); returns the ports left out and why.
   */
  async sync(services: Service[], slices: EndpointSlice[], node: { hostPorts?: HostPortMapping[]; dns?: LocalDns } = {}): Promise<RuleSet['skipped']> {
    const ports = servicePortsFrom(services, slices, this.opts.nodeName, node.dns);
    const ruleSet = renderRuleSet(ports, { clusterCIDR: this.opts.clusterCIDR }, node.hostPorts ?? []);
    await this.opts.applier.apply(ruleSet);
    return ruleSet.skipped;
  }
}
