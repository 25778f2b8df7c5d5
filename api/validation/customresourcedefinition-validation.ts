/**
 * Validation of CustomResourceDefinitions, as apiextensions' ValidateCustomResourceDefinition
 * words the essentials: names (plural.group), a group with a dot, DNS-1035 names, exactly one
 * storage version, a structural schema per version (types everywhere, metadata only name and
 * generateName), subresource paths, printer columns; what pikube does not serve (conversion
 * webhooks, preserveUnknownFields, allOf/anyOf/oneOf/not) is refused naming the field.
 */
import type { CustomResourceDefinition, CustomResourceDefinitionVersion, JSONSchemaProps } from '../apiextensions-v1';
import type { StatusCause } from '../meta';
import { duplicate, forbidden, invalid, notSupported, required } from './field-errors';
import { isDNS1035Label, isDNS1123Subdomain } from './names';

const COLUMN_TYPES = ['integer', 'number', 'string', 'boolean', 'date'];
const COLUMN_FORMATS = ['int32', 'int64', 'float', 'double', 'byte', 'date', 'date-time', 'password'];
const SCHEMA_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const COMBINATORS = ['allOf', 'anyOf', 'oneOf', 'not'];
/** A JSON path of field names only (`.spec.replicas`), what columns and scale paths read. */
export const SIMPLE_JSON_PATH = /^(\.[A-Za-z0-9_-]+|\[\d+\])+$/;

type Causes = StatusCause[];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function validateCustomResourceDefinition(crd: CustomResourceDefinition): Causes {
  const spec = isObject(crd.spec) ? crd.spec : undefined;
  if (!spec) return [required('spec')];
  const causes = [...groupCauses(spec.group), ...namesCauses(crd), ...scopeCauses(spec.scope)];
  const expected = `${spec.names?.plural ?? ''}.${spec.group ?? ''}`;
  if (crd.metadata.name !== expected) causes.push(invalid('metadata.name', crd.metadata.name ?? '', 'must be spec.names.plural+"."+spec.group'));
  causes.push(...versionsCauses(spec.versions));
  if (spec.conversion?.strategy !== undefined && spec.conversion.strategy !== 'None') causes.push(notSupported('spec.conversion.strategy', spec.conversion.strategy, ['None']));
  if (spec.preserveUnknownFields === true) causes.push(invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  return causes;
}

/** An update is the same checks; the group, scope and names' plural may not change (immutable, as Kubernetes). */
export function validateCustomResourceDefinitionUpdate(crd: CustomResourceDefinition, old: CustomResourceDefinition): Causes {
  const causes = validateCustomResourceDefinition(crd);
  if (crd.spec?.group !== old.spec.group) causes.push(invalid('spec.group', crd.spec?.group ?? '', 'field is immutable'));
  if (crd.spec?.scope !== old.spec.scope) causes.push(invalid('spec.scope', crd.spec?.scope ?? '', 'field is immutable'));
  return causes;
}

function groupCauses(group: unknown): Causes {
  if (typeof group !== 'string' || !group) return [required('spec.group')];
  const causes = isDNS1123Subdomain(group).map((m) => invalid('spec.group', group, m));
  if (!group.includes('.')) causes.push(invalid('spec.group', group, 'should be a domain with at least one dot'));
  return causes;
}

function scopeCauses(scope: unknown): Causes {
  if (scope === undefined || scope === '') return [required('spec.scope')];
  return scope === 'Namespaced' || scope === 'Cluster' ? [] : [notSupported('spec.scope', String(scope), ['Cluster', 'Namespaced'])];
}

function namesCauses(crd: CustomResourceDefinition): Causes {
  const names = crd.spec.names;
  if (!isObject(names)) return [required('spec.names')];
  const causes: Causes = [];
  const label = (field: string, value: unknown, lower = false): void => {
    if (typeof value !== 'string' || !value) return void causes.push(required(field));
    for (const m of isDNS1035Label(lower ? value.toLowerCase() : value)) causes.push(invalid(field, value, lower ? `may have mixed case, but should otherwise match: ${m}` : m));
  };
  label('spec.names.plural', names.plural);
  label('spec.names.singular', names.singular);
  label('spec.names.kind', names.kind, true);
  label('spec.names.listKind', names.listKind, true);
  if (names.kind && names.kind === names.listKind) causes.push(invalid('spec.names.listKind', names.listKind, 'kind and listKind may not be the same or it would be ambiguous'));
  (names.shortNames ?? []).forEach((s, i) => label(`spec.names.shortNames[${i}]`, s));
  (names.categories ?? []).forEach((s, i) => label(`spec.names.categories[${i}]`, s));
  return causes;
}

function versionsCauses(versions: unknown): Causes {
  if (!Array.isArray(versions) || versions.length === 0) return [required('spec.versions', 'must have exactly one version marked as storage version')];
  const causes: Causes = [];
  const seen = new Set<string>();
  (versions as CustomResourceDefinitionVersion[]).forEach((v, i) => {
    if (seen.has(v.name)) causes.push(duplicate(`spec.versions[${i}].name`, v.name));
    seen.add(v.name);
    causes.push(...versionCauses(v, `spec.versions[${i}]`));
  });
  const storage = (versions as CustomResourceDefinitionVersion[]).filter((v) => v.storage === true).length;
  if (storage !== 1) causes.push(invalid('spec.versions', `${storage} storage versions`, 'must have exactly one version marked as storage version'));
  if (!(versions as CustomResourceDefinitionVersion[]).some((v) => v.served === true)) causes.push(invalid('spec.versions', 'no served version', 'must have at least one version marked as served'));
  return causes;
}

function versionCauses(version: CustomResourceDefinitionVersion, path: string): Causes {
  if (!isObject(version)) return [required(path)];
  const causes: Causes = [];
  if (typeof version.name !== 'string' || !version.name) causes.push(required(`${path}.name`));
  else causes.push(...isDNS1035Label(version.name).map((m) => invalid(`${path}.name`, version.name, m)));
  const schema = version.schema?.openAPIV3Schema;
  if (!isObject(schema)) causes.push(required(`${path}.schema.openAPIV3Schema`, 'schemas are required'));
  else causes.push(...rootSchemaCauses(schema, `${path}.schema.openAPIV3Schema`));
  causes.push(...scaleCauses(version, `${path}.subresources.scale`));
  (version.additionalPrinterColumns ?? []).forEach((c, i) => causes.push(...columnCauses(c, `${path}.additionalPrinterColumns[${i}]`)));
  return causes;
}

function rootSchemaCauses(schema: JSONSchemaProps, path: string): Causes {
  const causes = nodeCauses(schema, path, 'root');
  if (schema.type !== 'object') causes.push(invalid(`${path}.type`, schema.type ?? '', 'must be object at the root'));
  const meta = schema.properties?.metadata;
  if (meta && Object.keys(meta.properties ?? {}).some((k) => k !== 'name' && k !== 'generateName')) {
    causes.push(forbidden(`${path}.properties[metadata]`, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  }
  return causes;
}

/** The structural rules of one schema node and, recursively, of its children. */
function nodeCauses(schema: JSONSchemaProps, path: string, place: 'root' | 'field' | 'item'): Causes {
  if (!isObject(schema)) return [invalid(path, typeof schema, 'must be a schema object')];
  const causes: Causes = [];
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'];
  if (intOrString && schema.type) causes.push(invalid(`${path}.type`, schema.type, 'must be empty if x-kubernetes-int-or-string is true'));
  if (!schema.type && !intOrString && preserve !== true && place !== 'root') {
    causes.push(required(`${path}.type`, place === 'item' ? 'must not be empty for specified array items' : 'must not be empty for specified object fields'));
  }
  if (schema.type && !SCHEMA_TYPES.includes(schema.type)) causes.push(notSupported(`${path}.type`, schema.type, SCHEMA_TYPES));
  if (preserve === false) causes.push(invalid(`${path}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
  if (schema.properties && schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
    causes.push(forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
  }
  if (schema.type === 'array' && !schema.items) causes.push(required(`${path}.items`, 'must be specified'));
  if (schema.uniqueItems === true) causes.push(forbidden(`${path}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  if (schema.$ref !== undefined) causes.push(forbidden(`${path}.$ref`, '$ref is not supported'));
  for (const c of COMBINATORS) if (schema[c] !== undefined) causes.push(forbidden(`${path}.${c}`, `${c} is not supported by pikube`));
  causes.push(...patternCauses(schema, path));
  for (const [name, child] of Object.entries(schema.properties ?? {})) causes.push(...nodeCauses(child, `${path}.properties[${name}]`, 'field'));
  if (isObject(schema.additionalProperties)) causes.push(...nodeCauses(schema.additionalProperties as JSONSchemaProps, `${path}.additionalProperties`, 'field'));
  if (schema.items) causes.push(...nodeCauses(schema.items, `${path}.items`, 'item'));
  return causes;
}

function patternCauses(schema: JSONSchemaProps, path: string): Causes {
  if (schema.pattern === undefined) return [];
  try {
    new RegExp(schema.pattern, 'u');
    return [];
  } catch {
    return [invalid(`${path}.pattern`, schema.pattern, 'must be a valid regular expression')];
  }
}

function scaleCauses(version: CustomResourceDefinitionVersion, path: string): Causes {
  const scale = version.subresources?.scale;
  if (!scale) return [];
  const causes: Causes = [];
  const check = (field: string, value: unknown, prefix: string[]): void => {
    if (typeof value !== 'string' || !value) return void causes.push(required(`${path}.${field}`));
    if (!SIMPLE_JSON_PATH.test(value)) causes.push(invalid(`${path}.${field}`, value, 'should be a json path under .spec or .status'));
    else if (!prefix.some((p) => value.startsWith(p))) causes.push(invalid(`${path}.${field}`, value, `should be a json path under ${prefix.join(' or ')}`));
  };
  check('specReplicasPath', scale.specReplicasPath, ['.spec.']);
  check('statusReplicasPath', scale.statusReplicasPath, ['.status.']);
  if (scale.labelSelectorPath !== undefined) check('labelSelectorPath', scale.labelSelectorPath, ['.spec.', '.status.']);
  return causes;
}

function columnCauses(column: { name?: string; type?: string; format?: string; jsonPath?: string; priority?: number }, path: string): Causes {
  const causes: Causes = [];
  if (!column.name) causes.push(required(`${path}.name`));
  if (!column.type) causes.push(required(`${path}.type`));
  else if (!COLUMN_TYPES.includes(column.type)) causes.push(notSupported(`${path}.type`, column.type, COLUMN_TYPES));
  if (column.format && !COLUMN_FORMATS.includes(column.format)) causes.push(notSupported(`${path}.format`, column.format, COLUMN_FORMATS));
  if (!column.jsonPath) causes.push(required(`${path}.jsonPath`));
  else if (!SIMPLE_JSON_PATH.test(column.jsonPath)) causes.push(invalid(`${path}.jsonPath`, column.jsonPath, 'must be a simple json path (.field.sub or [n])'));
  if (column.priority !== undefined && column.priority < 0) causes.push(invalid(`${path}.priority`, column.priority, 'must be greater than or equal to 0'));
  return causes;
}
