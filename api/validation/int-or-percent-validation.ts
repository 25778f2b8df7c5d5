/**
 * Validation of count-or-percentage fields (apps validation's ValidatePositiveIntOrPercent and
 * IsNotMoreThan100Percent, also used for PodDisruptionBudgets). A bad value is printed as Go's
 * %#v of an intstr.IntOrString, as Kubernetes prints it.
 */
import { goIntOrString, isValidPercent, percentValue, type IntOrString } from '../int-or-percent';
import { invalid, invalidGo, type FieldCause } from './field-errors';

/** A non-negative number, or a "N%" string. An unset value counts as 0 (Go's zero value). */
export function validatePositiveIntOrPercent(value: IntOrString | undefined, path: string): FieldCause[] {
  if (typeof value === 'string') return isValidPercent(value).map((m) => invalidGo(path, goIntOrString(value), m));
  const n = value ?? 0;
  return n < 0 ? [invalid(path, n, 'must be greater than or equal to 0')] : [];
}

export function validateNotMoreThan100Percent(value: IntOrString | undefined, path: string): FieldCause[] {
  const percent = percentValue(value);
  return percent !== undefined && percent > 100 ? [invalidGo(path, goIntOrString(value), 'must not be greater than 100%')] : [];
}
