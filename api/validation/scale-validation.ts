/**
 * autoscaling/v1 Scale validation (pkg/apis/autoscaling/validation ValidateScale): the name as a
 * DNS subdomain and a non-negative spec.replicas.
 */
import type { Scale } from '../autoscaling-v1';
import type { FieldCause } from './field-errors';
import { nameIsDNSSubdomain } from './names';
import { validateNonnegative, validateObjectMeta } from './object-meta';

export function validateScale(scale: Scale): FieldCause[] {
  return [...validateObjectMeta(scale.metadata ?? {}, true, nameIsDNSSubdomain), ...validateNonnegative(scale.spec?.replicas ?? 0, 'spec.replicas')];
}
