/**
 * ServiceAccounts (pkg/registry/core/serviceaccount): metadata, the legacy `secrets` list,
 * imagePullSecrets and automountServiceAccountToken; no spec, no status. `kubectl get sa`
 * shows NAME, SECRETS, AGE. The `token` subresource is the TokenRequest API
 * (token-request.ts): `kubectl create token NAME`.
 */
import type { ServiceAccount } from '../../../api/service-account';
import { metadataFieldGetters, selectableFields } from '../../../api/field-selector';
import { serviceAccountPrinter } from '../../apiserver/tables/config-printers';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import { serviceAccountToken } from './token-request';

export const SERVICE_ACCOUNTS = defineKind<ServiceAccount>({
  group: '', version: 'v1', resource: 'serviceaccounts', singularName: 'serviceaccount', kind: 'ServiceAccount', listKind: 'ServiceAccountList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['sa'],
  strategy: defaultStrategy<ServiceAccount>({ topLevelFields: [...OBJECT_FIELDS, 'secrets', 'imagePullSecrets', 'automountServiceAccountToken'], hasStatus: false }),
  printer: serviceAccountPrinter,
  fields: selectableFields<ServiceAccount>(metadataFieldGetters(true)),
  subresources: { token: serviceAccountToken },
});
