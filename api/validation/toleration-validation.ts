/**
 * Pod tolerations (ValidateTolerations) and node taints (validateNodeTaints).
 */
import type { Taint, Toleration } from '../core-v1';
import { child, index } from './field-path';
import { duplicate, invalid, notSupported, required, type FieldCause } from './field-errors';
import { isValidLabelValue } from './names';
import { validateLabelName } from './object-meta';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function validateTaintEffect(effect: string, allowEmpty: boolean, field: string): FieldCause[] {
  if (!allowEmpty && effect === '') return [required(field)];
  return TAINT_EFFECTS.includes(effect) ? [] : [notSupported(field, effect, TAINT_EFFECTS)];
}

export function validateTolerations(tolerations: Toleration[] | undefined, path: string): FieldCause[] {
  return (tolerations ?? []).flatMap((t, i) => validateToleration(t, index(path, i)));
}

function validateToleration(t: Toleration, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const key = t.key ?? '';
  const operator = t.operator ?? '';
  if (key) causes.push(...validateLabelName(key, child(path, 'key')));
  if (!key && operator !== 'Exists') {
    causes.push(invalid(child(path, 'operator'), operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
  }
  if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
    causes.push(invalid(child(path, 'effect'), t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
  }
  causes.push(...validateOperatorAndValue(operator, t.value ?? '', child(path, 'operator')));
  if (t.effect) causes.push(...validateTaintEffect(t.effect, true, child(path, 'effect')));
  return causes;
}

function validateOperatorAndValue(operator: string, value: string, field: string): FieldCause[] {
  if (operator === 'Equal' || operator === '') {
    const errs = isValidLabelValue(value);
    return errs.length ? [invalid(field, value, errs.join(';'))] : [];
  }
  if (operator === 'Exists') return value ? [invalid(field, value, "value must be empty when `operator` is 'Exists'")] : [];
  return [notSupported(field, operator, ['Equal', 'Exists'])];
}

/** Taints must be unique by key and effect. */
export function validateTaints(taints: Taint[] | undefined, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const seen = new Set<string>();
  (taints ?? []).forEach((taint, i) => {
    const taintPath = index(path, i);
    causes.push(...validateLabelName(taint.key ?? '', child(taintPath, 'key')));
    const valueErrs = isValidLabelValue(taint.value ?? '');
    if (valueErrs.length) causes.push(invalid(child(taintPath, 'value'), taint.value ?? '', valueErrs.join(';')));
    causes.push(...validateTaintEffect(taint.effect ?? '', false, child(taintPath, 'effect')));
    const id = `${taint.effect}\u0000${taint.key}`;
    if (seen.has(id)) causes.push({ ...duplicate(taintPath, taint), message: `${duplicate(taintPath, taint).message}: taints must be unique by key and effect pair` });
    seen.add(id);
  });
  return causes;
}
