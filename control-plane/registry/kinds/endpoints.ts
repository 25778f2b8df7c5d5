/**
 * Endpoints (core/v1): plain objects without status, written by the endpoints controller or
 * by users for selectorless services. Ports default to protocol TCP, as Kubernetes'
 * SetDefaults_EndpointPort.
 */
import type { Endpoints } from '../../../api/service-v1';
import { validateEndpoints } from '../../../api/validation/endpoints-validation';
import { validateObjectMetaUpdate } from '../../../api/validation/object-meta';
import { endpointsPrinter } from '../../apiserver/tables/endpoints-printer';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';

function withDefaults(ep: Endpoints): void {
  for (const subset of ep.subsets ?? []) for (const port of subset.ports ?? []) port.protocol ||= 'TCP';
}

export const endpointsStrategy: ResourceStrategy<Endpoints> = {
  ...defaultStrategy<Endpoints>({ topLevelFields: [...OBJECT_FIELDS, 'subsets'], hasStatus: false }),
  prepareForCreate: withDefaults,
  validate: (ep) => validateEndpoints(ep),
  prepareForUpdate: withDefaults,
  validateUpdate: (ep, old) => [...validateObjectMetaUpdate(ep.metadata, old.metadata), ...validateEndpoints(ep)],
};

export const ENDPOINTS = defineKind<Endpoints>({
  group: '', version: 'v1', resource: 'endpoints', singularName: 'endpoints', kind: 'Endpoints', listKind: 'EndpointsList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ep'],
  strategy: endpointsStrategy,
  printer: endpointsPrinter,
});
