/**
 * ControllerRevision validation (ValidateControllerRevision / …Update of pkg/apis/apps/validation,
 * 1.32): a DNS-subdomain name, `data` present, `revision` not negative; `data` never changes.
 */
import type { ControllerRevision } from '../apps-v1';
import { required, type FieldCause } from './field-errors';
import { validateImmutableField } from './immutable-field';
import { nameIsDNSSubdomain } from './names';
import { validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from './object-meta';

export function validateControllerRevision(revision: ControllerRevision): FieldCause[] {
  return [
    ...validateObjectMeta(revision.metadata, true, nameIsDNSSubdomain),
    ...(revision.data == null ? [required('data', 'data is mandatory')] : []),
    ...validateNonnegative(revision.revision ?? 0, 'revision'),
  ];
}

export function validateControllerRevisionUpdate(next: ControllerRevision, old: ControllerRevision): FieldCause[] {
  return [
    ...validateObjectMetaUpdate(next.metadata, old.metadata),
    ...validateControllerRevision(next),
    ...validateImmutableField(next.data, old.data, 'data'),
  ];
}
