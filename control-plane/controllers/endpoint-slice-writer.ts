/**
 * Carries out a SliceActions plan through the API, recording each write as an expectation of
 * the service's key, so the next reconcile waits until the slice informer shows them.
 */
import type { EndpointSlice } from '../../api/service-v1';
import { unlessNotFound, type ApiClient } from './framework/api-client';
import { toBeGone, toSee, type Expectations } from './framework/expectations';
import type { SliceActions } from './endpoint-slice-plan';

const SLICES = 'endpointslices.discovery.k8s.io';

export async function applySliceActions(client: ApiClient, actions: SliceActions, key: string, expectations: Expectations<EndpointSlice>): Promise<void> {
  for (const slice of actions.update) {
    expectations.expect(key, toSee((await client.update(SLICES, slice.metadata.namespace, slice.metadata.name ?? '', slice)).object));
  }
  for (const slice of actions.create) expectations.expect(key, toSee(await client.create(SLICES, slice.metadata.namespace, slice)));
  for (const slice of actions.delete) {
    await client.delete(SLICES, slice.metadata.namespace, slice.metadata.name ?? '', { preconditions: { uid: slice.metadata.uid } }).catch(unlessNotFound);
    expectations.expect(key, toBeGone(slice));
  }
}
