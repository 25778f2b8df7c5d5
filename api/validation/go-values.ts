/**
 * Values as Go's %#v prints them in Kubernetes' validation messages, for the value types the
 * workload validators report: label maps and label selectors. (Structs holding pointers print
 * addresses in Go; those are rendered as JSON instead and cannot match byte for byte.)
 */
import type { LabelSelector } from '../meta';

/** `map[string]string{"a":"b", "c":"d"}` (keys sorted), or `map[string]string(nil)`. */
export function goStringMap(map: Record<string, string> | undefined): string {
  if (map === undefined || map === null) return 'map[string]string(nil)';
  const entries = Object.keys(map).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(map[k])}`);
  return `map[string]string{${entries.join(', ')}}`;
}

function goStringSlice(values: readonly string[] | undefined): string {
  if (values === undefined || values === null) return '[]string(nil)';
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}

/** A metav1.LabelSelector (the pointer dereferenced, as field.Invalid does). */
export function goLabelSelector(selector: LabelSelector | undefined): string {
  if (selector === undefined || selector === null) return '"null"';
  const expressions = selector.matchExpressions === undefined || selector.matchExpressions === null
    ? '[]v1.LabelSelectorRequirement(nil)'
    : `[]v1.LabelSelectorRequirement{${selector.matchExpressions.map((e) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(e.key)}, Operator:${JSON.stringify(e.operator)}, Values:${goStringSlice(e.values)}}`).join(', ')}}`;
  return `v1.LabelSelector{MatchLabels:${goStringMap(selector.matchLabels)}, MatchExpressions:${expressions}}`;
}
