/**
 * Field selectors as k8s.io/apimachinery/pkg/fields: `a=b,c!=d,e==f` with `\` escaping of
 * `\`, `,` and `=` in values; plus, per resource, the fields Kubernetes lets a selector use
 * (the field-label conversion functions of pkg/apis/core/v1/conversion.go) and their values
 * for an object (the ToSelectableFields of each registry strategy).
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

// ---- per-resource fields ----

type FieldGetter = (obj: KubeObject) => string;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const rec = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const at = (obj: KubeObject, ...path: string[]): unknown => path.reduce<unknown>((v, p) => rec(v)[p], obj);

const nameField: FieldGetter = (o) => o.metadata.name ?? '';
const namespaceField: FieldGetter = (o) => o.metadata.namespace ?? '';
const NAMESPACED_META: Record<string, FieldGetter> = { 'metadata.name': nameField, 'metadata.namespace': namespaceField };

function podIP(obj: KubeObject): string {
  const ips = at(obj, 'status', 'podIPs');
  const first = Array.isArray(ips) ? str(rec(ips[0]).ip) : '';
  return str(at(obj, 'status', 'podIP')) || first;
}

function eventSource(obj: KubeObject): string {
  return str(at(obj, 'source', 'component')) || str(at(obj, 'reportingComponent'));
}

/** Selectable fields per resource (plural name); others get metadata.name and metadata.namespace. */
const RESOURCE_FIELDS: Record<string, Record<string, FieldGetter>> = {
  pods: {
    ...NAMESPACED_META,
    'spec.nodeName': (o) => str(at(o, 'spec', 'nodeName')),
    'spec.restartPolicy': (o) => str(at(o, 'spec', 'restartPolicy')),
    'spec.schedulerName': (o) => str(at(o, 'spec', 'schedulerName')),
    'spec.serviceAccountName': (o) => str(at(o, 'spec', 'serviceAccountName')),
    'spec.hostNetwork': (o) => String(at(o, 'spec', 'hostNetwork') === true),
    'status.phase': (o) => str(at(o, 'status', 'phase')),
    'status.podIP': podIP,
    // Accepted by Kubernetes but never set in the field set: it always reads as "".
    'status.podIPs': () => '',
    'status.nominatedNodeName': (o) => str(at(o, 'status', 'nominatedNodeName')),
  },
  nodes: {
    'metadata.name': nameField,
    'spec.unschedulable': (o) => String(at(o, 'spec', 'unschedulable') === true),
  },
  namespaces: {
    'metadata.name': nameField,
    'status.phase': (o) => str(at(o, 'status', 'phase')),
  },
  events: {
    ...NAMESPACED_META,
    'involvedObject.kind': (o) => str(at(o, 'involvedObject', 'kind')),
    'involvedObject.namespace': (o) => str(at(o, 'involvedObject', 'namespace')),
    'involvedObject.name': (o) => str(at(o, 'involvedObject', 'name')),
    'involvedObject.uid': (o) => str(at(o, 'involvedObject', 'uid')),
    'involvedObject.apiVersion': (o) => str(at(o, 'involvedObject', 'apiVersion')),
    'involvedObject.resourceVersion': (o) => str(at(o, 'involvedObject', 'resourceVersion')),
    'involvedObject.fieldPath': (o) => str(at(o, 'involvedObject', 'fieldPath')),
    reason: (o) => str(at(o, 'reason')),
    reportingComponent: (o) => str(at(o, 'reportingComponent')),
    source: eventSource,
    type: (o) => str(at(o, 'type')),
  },
  secrets: { ...NAMESPACED_META, type: (o) => str(at(o, 'type')) },
  services: {
    ...NAMESPACED_META,
    'spec.clusterIP': (o) => str(at(o, 'spec', 'clusterIP')),
    'spec.type': (o) => str(at(o, 'spec', 'type')),
  },
  replicationcontrollers: { ...NAMESPACED_META, 'status.replicas': (o) => String(at(o, 'status', 'replicas') ?? 0) },
  replicasets: { ...NAMESPACED_META, 'status.replicas': (o) => String(at(o, 'status', 'replicas') ?? 0) },
  jobs: { ...NAMESPACED_META, 'status.successful': (o) => String(at(o, 'status', 'succeeded') ?? 0) },
};

/** Label aliases Kubernetes still accepts from old clients. */
const FIELD_ALIASES: Record<string, Record<string, string>> = { pods: { 'spec.host': 'spec.nodeName' } };

function gettersFor(resource: string): Record<string, FieldGetter> {
  return Object.hasOwn(RESOURCE_FIELDS, resource) ? RESOURCE_FIELDS[resource] : NAMESPACED_META;
}

/** The field labels a selector may use for this resource. */
export function supportedFields(resource: string): string[] {
  return Object.keys(gettersFor(resource));
}

/** The selectable fields of an object, as strings. */
export function fieldsOf(resource: string, obj: KubeObject): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [field, get] of Object.entries(gettersFor(resource))) fields[field] = get(obj);
  return fields;
}

/**
 * Checks every field label against the resource and applies Kubernetes' aliases
 * (`spec.host` → `spec.nodeName` for pods). Throws ApiError BadRequest
 * `field label not supported: <field>` as the API server does.
 */
export function resolveFieldSelector(resource: string, selector: FieldSelector): FieldSelector {
  const getters = gettersFor(resource);
  const aliases = Object.hasOwn(FIELD_ALIASES, resource) ? FIELD_ALIASES[resource] : {};
  const requirements = selector.requirements.map((r) => {
    const field = Object.hasOwn(aliases, r.field) ? aliases[r.field] : r.field;
    if (!Object.hasOwn(getters, field)) throw badRequest(`field label not supported: ${r.field}`);
    return { ...r, field };
  });
  return { requirements };
}

/** Parses, resolves against the resource, and returns a matcher over objects. */
export function objectFieldMatcher(resource: string, selector: string): (obj: KubeObject) => boolean {
  const resolved = resolveFieldSelector(resource, parseFieldSelector(selector));
  return (obj) => matchesFieldSelector(resolved, fieldsOf(resource, obj));
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
