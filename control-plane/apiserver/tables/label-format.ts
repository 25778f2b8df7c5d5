/**
 * Label and selector strings as the printers show them: labels.FormatLabels and
 * metav1.FormatLabelSelector of k8s.io/apimachinery.
 */
import { arrayField, mapField, stringField } from './columns';

/** "a=1,b=2" sorted by key, or "<none>". */
export function formatLabels(labels: Record<string, unknown>): string {
  const keys = Object.keys(labels).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${String(labels[k])}`).join(',');
}

/** A label selector as a selector string ("app=web,tier in (a,b)"), "" when it selects everything. */
export function selectorString(selector: unknown): string {
  const requirements: [string, string][] = [];
  for (const [key, value] of Object.entries(mapField(selector, 'matchLabels'))) requirements.push([key, `${key}=${String(value)}`]);
  for (const expression of arrayField(selector, 'matchExpressions')) {
    const key = stringField(expression, 'key');
    requirements.push([key, requirementString(key, stringField(expression, 'operator'), arrayField(expression, 'values'))]);
  }
  return requirements.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, text]) => text).join(',');
}

function requirementString(key: string, operator: string, values: unknown[]): string {
  const list = values.map(String).sort().join(',');
  switch (operator) {
    case 'In': return `${key} in (${list})`;
    case 'NotIn': return `${key} notin (${list})`;
    case 'Exists': return key;
    case 'DoesNotExist': return `!${key}`;
    default: return `${key} ${operator} (${list})`;
  }
}

/** metav1.FormatLabelSelector: the selector string, or "<none>". */
export function formatLabelSelector(selector: unknown): string {
  return selectorString(selector) || '<none>';
}
