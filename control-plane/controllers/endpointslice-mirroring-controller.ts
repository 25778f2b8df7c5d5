/**
 * The endpointslice-mirroring controller's wiring (decisions in
 * endpointslice-mirroring-plan.ts): a Service name's key on changes of the Service, of its
 * Endpoints, and of the slices mirrored for it (through their controller ownerReference).
 */
import type { EndpointSlice, Endpoints, Service } from '../../api/service-v1';
import { ENDPOINTSLICE_MIRRORING_CONTROLLER } from '../../api/service-v1';
import { cacheKey } from '../store/informer';
import { applySliceActions } from './endpoint-slice-writer';
import { managedSlices, sliceOwnerWatch } from './endpointslice-controller';
import { planMirroredSlices } from './endpointslice-mirroring-plan';
import { changesOf, defineController } from './framework/define-controller';

export const endpointSliceMirroringController = defineController({
  name: 'endpointslice-mirroring-controller',
  queue: { baseDelayMs: 200, maxDelayMs: 10_000 },
  setup(ctx) {
    const services = ctx.informers.forResource<Service>('services');
    const endpoints = ctx.informers.forResource<Endpoints>('endpoints');
    const slices = ctx.informers.forResource<EndpointSlice>('endpointslices.discovery.k8s.io');
    const expectations = ctx.expectations(slices);
    return {
      watches: [
        changesOf(services, (svc) => [cacheKey(svc)]),
        changesOf(endpoints, (ep) => [cacheKey(ep)]),
        sliceOwnerWatch(slices, ENDPOINTSLICE_MIRRORING_CONTROLLER),
      ],
      async reconcile(key) {
        if (!expectations.satisfied(key)) return;
        const actions = planMirroredSlices(services.get(key), endpoints.get(key), managedSlices(slices, key, ENDPOINTSLICE_MIRRORING_CONTROLLER));
        await applySliceActions(ctx.client, actions, key, expectations);
      },
    };
  },
});
