/**
 * The endpointslice controller's wiring (Kubernetes' endpointslice controller): a selector
 * Service's slices hold the pods it selects (endpoint-slices.ts), written with the fewest
 * changes (endpoint-slice-plan.ts) and labelled managed-by `endpointslice-controller.k8s.io`.
 * Keys come from the Service, its selected pods, and its slices (through their controller
 * ownerReference, so a slice edited or deleted by hand is put right). Services without a
 * selector get no slices from here (see the mirroring controller).
 */
import type { Pod } from '../../api/core-v1';
import type { EndpointSlice, Service } from '../../api/service-v1';
import { ENDPOINTSLICE_CONTROLLER } from '../../api/service-v1';
import { SkipReporter } from '../reader-guard';
import type { Informer } from '../store/informer';
import { serviceAndPodWatches } from './endpoints-controller';
import { desiredSliceContents } from './endpoint-slices';
import { deleteAll, isManagedSlice, NO_SLICE_ACTIONS, planSlices, type SliceActions } from './endpoint-slice-plan';
import { applySliceActions } from './endpoint-slice-writer';
import { changesOf, defineController, type WatchSource } from './framework/define-controller';
import { BY_NAMESPACE } from './framework/informer-factory';
import { ownerKey } from './framework/owner-references';
import { hasManagedEndpoints, podEndpoints } from './service-endpoints';

/** The service key of a slice `managedBy` manages, from its controller ownerReference. */
export function sliceOwnerWatch(slices: Informer<EndpointSlice>, managedBy: string): WatchSource {
  const owner = (slice: EndpointSlice | undefined): string[] => {
    const key = slice && ownerKey(slice, 'Service');
    return key && isManagedSlice(slice, slice.metadata.namespace ?? '', key.slice(key.indexOf('/') + 1), managedBy) ? [key] : [];
  };
  return changesOf(slices, (slice, old) => [...owner(slice), ...owner(old)]);
}

/** The slices `managedBy` manages for the service `namespace/name`, from the cache. */
export function managedSlices(slices: Informer<EndpointSlice>, key: string, managedBy: string): EndpointSlice[] {
  const [namespace, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
  return slices.byIndex(BY_NAMESPACE, namespace).filter((s) => isManagedSlice(s, namespace, name, managedBy));
}

export const endpointSliceController = defineController({
  name: 'endpointslice-controller',
  queue: { baseDelayMs: 200, maxDelayMs: 10_000 },
  setup(ctx) {
    const services = ctx.informers.forResource<Service>('services');
    const pods = ctx.informers.forResource<Pod>('pods');
    const slices = ctx.informers.forResource<EndpointSlice>('endpointslices.discovery.k8s.io');
    const expectations = ctx.expectations(slices);
    const skipped = new SkipReporter('endpointslice controller', ctx.log);
    const plan = (key: string): SliceActions => {
      const [svc, existing] = [services.get(key), managedSlices(slices, key, ENDPOINTSLICE_CONTROLLER)];
      if (!svc) return deleteAll(existing);
      if (!hasManagedEndpoints(svc)) return NO_SLICE_ACTIONS;
      const endpoints = podEndpoints(svc, pods.byIndex(BY_NAMESPACE, svc.metadata.namespace ?? ''), (pod, err) => skipped.report(pod, err));
      return planSlices(svc, existing, desiredSliceContents(svc, endpoints), ENDPOINTSLICE_CONTROLLER);
    };
    return {
      watches: [...serviceAndPodWatches(services, pods), sliceOwnerWatch(slices, ENDPOINTSLICE_CONTROLLER)],
      async reconcile(key) {
        if (expectations.satisfied(key)) await applySliceActions(ctx.client, plan(key), key, expectations);
      },
    };
  },
});
