/**
 * The LoadBalancer status controller's wiring (decisions in load-balancer-plan.ts): a
 * Service's key on its own changes, and every balancer's key when a node changes (its
 * readiness or addresses change the ingress).
 */
import type { Node } from '../../api/core-v1';
import type { Service } from '../../api/service-v1';
import { SkipReporter } from '../reader-guard';
import { cacheKey } from '../store/informer';
import { changesOf, defineController } from './framework/define-controller';
import { toSee } from './framework/expectations';
import { concernsLoadBalancer, planLoadBalancerStatus } from './load-balancer-plan';

export const loadBalancerController = defineController({
  name: 'service-lb-controller',
  queue: { baseDelayMs: 200, maxDelayMs: 10_000 },
  setup(ctx) {
    const services = ctx.informers.forResource<Service>('services');
    const nodes = ctx.informers.forResource<Node>('nodes');
    const expectations = ctx.expectations(services);
    const skipped = new SkipReporter('load balancer controller', ctx.log);
    return {
      watches: [
        changesOf(services, (svc) => [cacheKey(svc)]),
        changesOf(nodes, () => services.list(concernsLoadBalancer).map(cacheKey)),
      ],
      async reconcile(key) {
        const svc = services.get(key);
        const next = svc && expectations.satisfied(key) ? planLoadBalancerStatus(svc, nodes.list(), (node, err) => skipped.report(node, err)) : undefined;
        if (!next) return;
        expectations.expect(key, toSee(await ctx.client.updateStatus('services', next.metadata.namespace, next.metadata.name ?? '', next)));
      },
    };
  },
});
