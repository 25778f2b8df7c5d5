/**
 * EndpointSlices (discovery.k8s.io/v1): plain objects without status, written by the
 * endpointslice controllers or by users. Ports default to protocol TCP, as Kubernetes'
 * SetDefaults_EndpointSlice; metadata.generation bumps on every change.
 */
import type { EndpointSlice } from '../../../api/service-v1';
import { validateEndpointSlice } from '../../../api/validation/endpoints-validation';
import { validateObjectMetaUpdate } from '../../../api/validation/object-meta';
import { endpointSlicePrinter } from '../../apiserver/tables/endpoint-slice-printer';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';

function withDefaults(slice: EndpointSlice): void {
  for (const port of slice.ports ?? []) port.protocol ||= 'TCP';
}

export const endpointSliceStrategy: ResourceStrategy<EndpointSlice> = {
  ...defaultStrategy<EndpointSlice>({ topLevelFields: [...OBJECT_FIELDS, 'addressType', 'endpoints', 'ports'], hasStatus: false }),
  tracksGeneration: true,
  prepareForCreate: withDefaults,
  validate: (slice) => validateEndpointSlice(slice),
  prepareForUpdate: withDefaults,
  validateUpdate: (slice, old) => [...validateObjectMetaUpdate(slice.metadata, old.metadata), ...validateEndpointSlice(slice)],
};

export const ENDPOINT_SLICES = defineKind<EndpointSlice>({
  group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', singularName: 'endpointslice', kind: 'EndpointSlice', listKind: 'EndpointSliceList',
  namespaced: true, verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  strategy: endpointSliceStrategy,
  printer: endpointSlicePrinter,
});
