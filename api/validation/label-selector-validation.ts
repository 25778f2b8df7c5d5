/**
 * metav1.LabelSelector validation (apimachinery/pkg/apis/meta/v1/validation ValidateLabelSelector,
 * strict about label values, as the workload kinds ask for), and the checks every workload makes
 * of its selector against its pod template.
 */
import { matchesLabels, selectorFromLabelSelector, type Selector } from '../label-selector';
import type { LabelSelector, LabelSelectorRequirement } from '../meta';
import { child, index } from './field-path';
import { forbidden, invalid, invalidGo, required, type FieldCause } from './field-errors';
import { goLabelSelector, goStringMap } from './go-values';
import { isValidLabelValue } from './names';
import { validateLabelName, validateLabels } from './object-meta';

const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

/** Nothing to report for an unset selector: callers that require one say so themselves. */
export function validateLabelSelector(selector: LabelSelector | undefined, path: string): FieldCause[] {
  if (!selector) return [];
  return [
    ...validateLabels(selector.matchLabels, child(path, 'matchLabels')),
    ...(selector.matchExpressions ?? []).flatMap((r, i) => validateRequirement(r, index(child(path, 'matchExpressions'), i))),
  ];
}

function validateRequirement(r: LabelSelectorRequirement, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const values = r.values ?? [];
  if (r.operator === 'In' || r.operator === 'NotIn') {
    if (values.length === 0) causes.push(required(child(path, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
  } else if (r.operator === 'Exists' || r.operator === 'DoesNotExist') {
    if (values.length > 0) causes.push(forbidden(child(path, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
  } else {
    causes.push(invalid(child(path, 'operator'), r.operator, 'not a valid selector operator'));
  }
  causes.push(...validateLabelName(r.key, child(path, 'key')));
  values.forEach((v, i) => causes.push(...isValidLabelValue(v).map((m) => invalid(index(child(path, 'values'), i), v, m))));
  return causes;
}

/** metav1.LabelSelectorAsSelector: undefined when the selector cannot be converted. */
export function asSelector(selector: LabelSelector | undefined): Selector | undefined {
  try {
    return selectorFromLabelSelector(selector);
  } catch {
    return undefined;
  }
}

/** Required, valid, and (for apps kinds) not empty: `empty selector is invalid for <kind>`. */
export function validateWorkloadSelector(selector: LabelSelector | undefined, kind: string, path: string): FieldCause[] {
  if (!selector) return [required(path)];
  const causes = validateLabelSelector(selector, path);
  const size = Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length;
  if (size === 0) causes.push(invalidGo(path, goLabelSelector(selector), `empty selector is invalid for ${kind}`));
  return causes;
}

/**
 * The template's labels must be selected. A selector that selects everything is not checked;
 * an unset one selects nothing (labels.Nothing()), so it never matches, as in Kubernetes.
 */
export function validateSelectorMatchesTemplate(selector: Selector, labels: Record<string, string> | undefined, path: string): FieldCause[] {
  const selectsEverything = !selector.matchesNothing && selector.requirements.length === 0;
  if (selectsEverything || matchesLabels(selector, labels ?? {})) return [];
  return [invalidGo(path, goStringMap(labels), SELECTOR_MISMATCH)];
}
