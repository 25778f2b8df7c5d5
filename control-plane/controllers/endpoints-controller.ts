/**
 * The endpoints controller's wiring (decisions in endpoints-plan.ts): a Service's key on its
 * own changes, on changes of the pods it selects (by their old and new labels) and of its
 * Endpoints (a user's edit is put right). Writes wait for the informer to show the previous
 * ones (expectations).
 */
import type { Pod } from '../../api/core-v1';
import type { Endpoints, Service } from '../../api/service-v1';
import { SkipReporter } from '../reader-guard';
import { cacheKey, type Informer } from '../store/informer';
import { unlessNotFound, type ApiClient } from './framework/api-client';
import { changesOf, defineController, type WatchSource } from './framework/define-controller';
import { toBeGone, toSee, type Expectations } from './framework/expectations';
import { BY_NAMESPACE } from './framework/informer-factory';
import { planEndpoints, type EndpointsAction } from './endpoints-plan';
import { selectsPod } from './service-endpoints';

/** Service keys on the service's changes and on changes of the pods it selects, before and after. */
export function serviceAndPodWatches(services: Informer<Service>, pods: Informer<Pod>): WatchSource[] {
  const selecting = (pod: Pod | undefined): string[] =>
    pod ? services.byIndex(BY_NAMESPACE, pod.metadata.namespace ?? '').filter((s) => selectsPod(s, pod)).map(cacheKey) : [];
  return [changesOf(services, (svc) => [cacheKey(svc)]), changesOf(pods, (pod, old) => [...selecting(pod), ...selecting(old)])];
}

export const endpointsController = defineController({
  name: 'endpoint-controller',
  queue: { baseDelayMs: 200, maxDelayMs: 10_000 },
  setup(ctx) {
    const services = ctx.informers.forResource<Service>('services');
    const pods = ctx.informers.forResource<Pod>('pods');
    const endpoints = ctx.informers.forResource<Endpoints>('endpoints');
    const expectations = ctx.expectations(endpoints);
    const skipped = new SkipReporter('endpoints controller', ctx.log);
    return {
      watches: [...serviceAndPodWatches(services, pods), changesOf(endpoints, (ep) => [cacheKey(ep)])],
      async reconcile(key) {
        if (!expectations.satisfied(key)) return;
        const svc = services.get(key);
        const inNamespace = svc ? pods.byIndex(BY_NAMESPACE, svc.metadata.namespace ?? '') : [];
        const action = planEndpoints(svc, inNamespace, endpoints.get(key), (pod, err) => skipped.report(pod, err));
        await apply(ctx.client, action, key, expectations);
      },
    };
  },
});

async function apply(client: ApiClient, action: EndpointsAction, key: string, expectations: Expectations<Endpoints>): Promise<void> {
  if (action.op === 'none') return;
  const { namespace, name = '' } = action.endpoints.metadata;
  if (action.op === 'create') return expectations.expect(key, toSee(await client.create('endpoints', namespace, action.endpoints)));
  if (action.op === 'update') return expectations.expect(key, toSee((await client.update('endpoints', namespace, name, action.endpoints)).object));
  await client.delete('endpoints', namespace, name, { preconditions: { uid: action.endpoints.metadata.uid } }).catch(unlessNotFound);
  expectations.expect(key, toBeGone(action.endpoints));
}
