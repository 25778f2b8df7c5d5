/**
 * Field selectors as k8s.io/apimachinery/pkg/fields: `a=b,c!=d,e==f` with `\` escaping of
 * `\`, `,` and `=` in values; and the shape of a kind's selectable
 * fields, which each kind declares (the field-label conversion functions of
 * pkg/apis/core/v1/conversion.go, the ToSelectableFields of each registry strategy).
 */
import type { KubeObject } from './meta';
import { badRequest } from './errors';

export type FieldOperator = '=' | '==' | '!=';

export interface FieldRequirement {
  field: string;
  operator: FieldOperator;
  /** Unescaped. */
  value: string;
}

/** The AND of its requirements, in the order Kubernetes keeps them (sorted raw terms). */
export interface FieldSelector {
  requirements: FieldRequirement[];
}

/** Parses `?fieldSelector=`; throws ApiError BadRequest with Kubernetes' message. */
export function parseFieldSelector(selector: string): FieldSelector {
  const terms = splitTerms(selector).sort(compareStrings);
  const requirements: FieldRequirement[] = [];
  for (const term of terms) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (!parts) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    requirements.push({ field: parts.field, operator: parts.operator, value: unescapeValue(parts.rawValue) });
  }
  return { requirements };
}

/** Terms split on unescaped commas. */
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** The first operator found scanning left to right, `!=` and `==` before `=`. */
function splitTerm(term: string): { field: string; operator: FieldOperator; rawValue: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const operator of ['!=', '==', '='] as const) {
      if (term.startsWith(operator, i)) return { field: term.slice(0, i), operator, rawValue: term.slice(i + operator.length) };
    }
  }
  return undefined;
}

/** fields.UnescapeValue. */
export function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** fields.EscapeValue. */
export function escapeValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** The string form Kubernetes prints; `==` prints as `=`. */
export function formatFieldSelector(selector: FieldSelector): string {
  return selector.requirements.map((r) => `${r.field}${r.operator === '!=' ? '!=' : '='}${escapeValue(r.value)}`).join(',');
}

/** A missing field reads as "", as fields.Set.Get does. */
export function matchesFieldSelector(selector: FieldSelector, fields: Record<string, string>): boolean {
  return selector.requirements.every((r) => {
    const actual = Object.hasOwn(fields, r.field) ? fields[r.field] : '';
    return r.operator === '!=' ? actual !== r.value : actual === r.value;
  });
}

/** If the selector pins `field` to one value with = or ==, that value. */
export function requiresExactFieldMatch(selector: FieldSelector, field: string): string | undefined {
  return selector.requirements.find((r) => r.field === field && r.operator !== '!=')?.value;
}

// ---- the fields of a kind ----

/**
 * The fields a selector may use for one kind and their values for an object (Kubernetes'
 * field-label conversion functions and the ToSelectableFields of each registry strategy).
 * Each kind declares its own (control-plane/registry/kinds/<kind>.ts).
 */
export interface SelectableFields<T extends KubeObject = KubeObject> {
  /** The field labels a selector may use. */
  readonly labels: readonly string[];
  /** Labels Kubernetes still accepts from old clients, and the label each stands for. */
  readonly aliases: Readonly<Record<string, string>>;
  /** The value of every label for `obj`, as strings; a missing value is "". */
  valuesOf(obj: T): Record<string, string>;
}

/** The selectable fields given by one getter per label. */
export function selectableFields<T extends KubeObject>(getters: Record<string, (obj: T) => string>, aliases: Record<string, string> = {}): SelectableFields<T> {
  return {
    labels: Object.keys(getters),
    aliases,
    valuesOf: (obj) => Object.fromEntries(Object.entries(getters).map(([label, get]) => [label, get(obj)])),
  };
}

/** metadata.name and, for a namespaced kind, metadata.namespace: what every kind offers. */
export function metadataFieldGetters(namespaced: boolean): Record<string, (obj: KubeObject) => string> {
  const name = (o: KubeObject): string => o.metadata.name ?? '';
  return namespaced ? { 'metadata.name': name, 'metadata.namespace': (o) => o.metadata.namespace ?? '' } : { 'metadata.name': name };
}

/**
 * Checks every field label against the kind and applies its aliases (`spec.host` →
 * `spec.nodeName` for pods). Throws ApiError BadRequest `field label not supported: <field>`
 * as the API server does.
 */
export function resolveFieldSelector(fields: SelectableFields, selector: FieldSelector): FieldSelector {
  const requirements = selector.requirements.map((r) => {
    const field = Object.hasOwn(fields.aliases, r.field) ? fields.aliases[r.field] : r.field;
    if (!fields.labels.includes(field)) throw badRequest(`field label not supported: ${r.field}`);
    return { ...r, field };
  });
  return { requirements };
}

/** Parses, resolves against the kind's fields, and returns a matcher over objects. */
export function objectFieldMatcher(fields: SelectableFields, selector: string): (obj: KubeObject) => boolean {
  const resolved = resolveFieldSelector(fields, parseFieldSelector(selector));
  return (obj) => matchesFieldSelector(resolved, fields.valuesOf(obj));
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
