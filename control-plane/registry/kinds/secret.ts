/**
 * Secrets (pkg/registry/core/secret): `type` defaults to Opaque and never changes; `stringData`
 * is folded into `data` on every write and never stored; the keys each type requires are
 * checked; an `immutable` one keeps its contents for good. Selectable by `type`.
 */
import type { Secret } from '../../../api/config-v1';
import { defaultSecret } from '../../../api/defaults/secret-defaults';
import { metadataFieldGetters, selectableFields } from '../../../api/field-selector';
import { validateSecret, validateSecretUpdate } from '../../../api/validation/config-validation';
import { secretPrinter } from '../../apiserver/tables/config-printers';
import { defaultStrategy, OBJECT_FIELDS, replaceContents } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';

const base = defaultStrategy<Secret>({ topLevelFields: [...OBJECT_FIELDS, 'immutable', 'data', 'stringData', 'type'], hasStatus: false });

const strategy: ResourceStrategy<Secret> = {
  ...base,
  prepareForCreate: (secret) => void replaceContents(secret, defaultSecret(secret)),
  validate: (secret) => validateSecret(secret),
  prepareForUpdate: (secret, old) => base.prepareForUpdate(replaceContents(secret, defaultSecret(secret)), old),
  validateUpdate: (secret, old) => validateSecretUpdate(secret, old),
};

export const SECRETS = defineKind<Secret>({
  group: '', version: 'v1', resource: 'secrets', singularName: 'secret', kind: 'Secret', listKind: 'SecretList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  strategy,
  printer: secretPrinter,
  // SecretSelectableFields: the object metadata and type.
  fields: selectableFields<Secret>({ ...metadataFieldGetters(true), type: (s) => s.type ?? '' }),
});
