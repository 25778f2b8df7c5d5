/**
 * Endpoints (core/v1) and EndpointSlices (discovery.k8s.io/v1): plain objects without status,
 * written by the endpoints controllers or by users for selectorless services. Ports default
 * to protocol TCP, as Kubernetes' SetDefaults_EndpointPort / SetDefaults_EndpointSlice.
 */
import type { KubeObject } from '../../../api/meta';
import type { EndpointSlice, Endpoints } from '../../../api/service-v1';
import { validateEndpointSlice, validateEndpoints } from '../../../api/validation/endpoints-validation';
import { validateObjectMetaUpdate } from '../../../api/validation/object-meta';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import type { ResourceStrategy } from '../strategy';

function defaultEndpoints(obj: KubeObject): void {
  for (const subset of (obj as Endpoints).subsets ?? []) for (const port of subset.ports ?? []) port.protocol ||= 'TCP';
}

function defaultSlice(obj: KubeObject): void {
  for (const port of (obj as EndpointSlice).ports ?? []) port.protocol ||= 'TCP';
}

const endpointsBase = defaultStrategy({ topLevelFields: [...OBJECT_FIELDS, 'subsets'], hasStatus: false });

export const endpointsStrategy: ResourceStrategy = {
  ...endpointsBase,
  prepareForCreate: defaultEndpoints,
  validate: (obj) => validateEndpoints(obj as Endpoints),
  prepareForUpdate: defaultEndpoints,
  validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateEndpoints(obj as Endpoints)],
};

const sliceBase = defaultStrategy({ topLevelFields: [...OBJECT_FIELDS, 'addressType', 'endpoints', 'ports'], hasStatus: false });

export const endpointSliceStrategy: ResourceStrategy = {
  ...sliceBase,
  tracksGeneration: true,
  prepareForCreate: defaultSlice,
  validate: (obj) => validateEndpointSlice(obj as EndpointSlice),
  prepareForUpdate: defaultSlice,
  validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateEndpointSlice(obj as EndpointSlice)],
};
