/**
 * Generates control-plane/apiserver/schema/k8s-definitions.ts: the field model of the
 * built-in kinds (names, JSON types, required fields, enums, list types and the
 * strategic-merge-patch tags patchStrategy / patchMergeKey), read from the Go type
 * declarations of k8s.io/api and k8s.io/apimachinery at the release pikube speaks (v0.32.0).
 * Doc comments are read only for their +markers; no documentation text is emitted.
 * The OpenAPI documents and the strategic merge patch both read the output.
 *
 * Also generates control-plane/apiserver/protobuf/k8s-messages.ts: the same kinds' protobuf
 * messages (field numbers from the `protobuf:"bytes,1,opt,name=…"` struct tags, and the JSON
 * member each field becomes), which the API server reads kubectl's protobuf request bodies with.
 *
 * Usage (after `npx tsc -p .`):
 *   node dist/scripts/gen-api-definitions.js --api <k8s.io/api checkout> \
 *     --apimachinery <k8s.io/apimachinery checkout> [--out <file>] [--protobuf-out <file>]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The kinds whose definitions (and everything they reference) are generated. */
const ROOTS: { apiVersion: string; kind: string; pkg: string }[] = [
  ...['Pod', 'Node', 'Namespace', 'Service', 'ConfigMap', 'Secret', 'Endpoints', 'Event', 'ServiceAccount',
    'PersistentVolumeClaim', 'PersistentVolume', 'Binding', 'ReplicationController', 'LimitRange', 'ResourceQuota',
    'PodTemplate'].map((kind) => ({ apiVersion: 'v1', kind, pkg: 'core/v1' })),
  ...['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'ControllerRevision'].map((kind) => ({ apiVersion: 'apps/v1', kind, pkg: 'apps/v1' })),
  ...['Job', 'CronJob'].map((kind) => ({ apiVersion: 'batch/v1', kind, pkg: 'batch/v1' })),
  ...['Scale', 'HorizontalPodAutoscaler'].map((kind) => ({ apiVersion: 'autoscaling/v1', kind, pkg: 'autoscaling/v1' })),
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', pkg: 'autoscaling/v2' },
  ...['Eviction', 'PodDisruptionBudget'].map((kind) => ({ apiVersion: 'policy/v1', kind, pkg: 'policy/v1' })),
  { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', pkg: 'coordination/v1' },
  { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', pkg: 'discovery/v1' },
  { apiVersion: 'events.k8s.io/v1', kind: 'Event', pkg: 'events/v1' },
  ...['Ingress', 'IngressClass', 'NetworkPolicy'].map((kind) => ({ apiVersion: 'networking.k8s.io/v1', kind, pkg: 'networking/v1' })),
  ...['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].map((kind) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, pkg: 'rbac/v1' })),
  { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', pkg: 'storage/v1' },
  { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', pkg: 'scheduling/v1' },
  ...['SelfSubjectAccessReview', 'SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectRulesReview'].map((kind) => ({ apiVersion: 'authorization.k8s.io/v1', kind, pkg: 'authorization/v1' })),
  ...['TokenReview', 'SelfSubjectReview', 'TokenRequest'].map((kind) => ({ apiVersion: 'authentication.k8s.io/v1', kind, pkg: 'authentication/v1' })),
  { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', pkg: 'certificates/v1' },
];

/** Definitions pikube also serves outside any kind (delete bodies, errors). */
const EXTRA_ROOTS = ['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions', 'io.k8s.apimachinery.pkg.apis.meta.v1.Status'];

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** Types with a wire form of their own (custom JSON marshalling), as the Kubernetes OpenAPI has them. */
const SPECIAL: Record<string, Definition> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string' },
  [`${META}.Time`]: { type: 'string', format: 'date-time' },
  [`${META}.MicroTime`]: { type: 'string', format: 'date-time' },
  [`${META}.FieldsV1`]: { type: 'object' },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': { type: 'object' },
};

/** Go named types that are plain JSON scalars. */
const SCALAR_ALIASES: Record<string, string> = {
  'k8s.io/apimachinery/pkg/types.UID': 'string',
  'k8s.io/apimachinery/pkg/apis/meta/v1.Duration': 'string',
  'k8s.io/apimachinery/pkg/apis/meta/v1.Verbs': '[]string',
};

interface Field {
  type: string;
  patchStrategy?: string;
  patchMergeKey?: string;
  listType?: string;
  listMapKeys?: string[];
  mapType?: string;
  enum?: string[];
}

interface Definition {
  type?: string;
  format?: string;
  properties?: Record<string, Field>;
  required?: string[];
}

/** One Go source file's package: its definition prefix and its import aliases. */
interface GoPackage {
  goPath: string;
  prefix: string;
  structs: Map<string, GoStruct>;
  named: Map<string, { expr: string; comments: string[] }>;
  enums: Map<string, string[]>;
  imports: Map<string, string>;
}

interface GoStruct {
  fields: GoField[];
}

interface GoField {
  name: string;
  expr: string;
  json: string;
  tags: string;
  comments: string[];
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const packages = new Map<string, GoPackage>();
  const load = (goPath: string, file: string): void => void packages.set(goPath, parsePackage(goPath, fs.readFileSync(file, 'utf8')));
  for (const pkg of new Set(ROOTS.map((r) => r.pkg))) load(`k8s.io/api/${pkg}`, path.join(args.api, pkg, 'types.go'));
  load('k8s.io/apimachinery/pkg/apis/meta/v1', path.join(args.apimachinery, 'pkg/apis/meta/v1/types.go'));
  const model = new Model(packages);
  requireRoots(model);
  fs.writeFileSync(args.out, render(model.definitions, ROOTS));
  console.log(`wrote ${model.definitions.size} definitions to ${args.out}`);
  const proto = new ProtoModel(packages);
  requireRoots(proto);
  fs.writeFileSync(args.protobufOut, renderProtobuf(proto.messages));
  console.log(`wrote ${proto.messages.size} protobuf messages to ${args.protobufOut}`);
}

function requireRoots(model: { require(goPath: string, typeName: string): string; requireByName(name: string): void }): void {
  for (const root of ROOTS) model.require(`k8s.io/api/${root.pkg}`, root.kind);
  for (const name of EXTRA_ROOTS) model.requireByName(name);
}

function parseArgs(argv: string[]): { api: string; apimachinery: string; out: string; protobufOut: string } {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const api = value('--api');
  const apimachinery = value('--apimachinery');
  if (!api || !apimachinery) throw new Error('usage: --api <dir> --apimachinery <dir> [--out <file>] [--protobuf-out <file>]');
  return {
    api, apimachinery,
    out: value('--out') ?? 'control-plane/apiserver/schema/k8s-definitions.ts',
    protobufOut: value('--protobuf-out') ?? 'control-plane/apiserver/protobuf/k8s-messages.ts',
  };
}

/** 'k8s.io/api/core/v1' → 'io.k8s.api.core.v1', as the Kubernetes OpenAPI names definitions. */
function prefixOf(goPath: string): string {
  const [host, ...rest] = goPath.split('/');
  return [...host.split('.').reverse(), ...rest].join('.');
}

function parsePackage(goPath: string, source: string): GoPackage {
  const pkg: GoPackage = { goPath, prefix: prefixOf(goPath), structs: new Map(), named: new Map(), enums: new Map(), imports: new Map() };
  const lines = source.split('\n');
  let comments: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*\/\//.test(line)) {
      comments.push(line.replace(/^\s*\/\/ ?/, ''));
      continue;
    }
    i = parseDeclaration(pkg, lines, i, comments);
    comments = [];
  }
  return pkg;
}

/** Parses the declaration starting at line `i`; returns the index of its last line. */
function parseDeclaration(pkg: GoPackage, lines: string[], i: number, comments: string[]): number {
  const line = lines[i];
  if (line.startsWith('import (')) return parseImports(pkg, lines, i);
  const struct = /^type (\w+) struct \{/.exec(line);
  if (struct) return parseStruct(pkg, struct[1], lines, i);
  const named = /^type (\w+) =? ?(.+)$/.exec(line);
  if (named) pkg.named.set(named[1], { expr: named[2].trim(), comments });
  const constant = /^\s*\w+\s+(\w+)\s*=\s*"([^"]*)"/.exec(line);
  if (constant) pkg.enums.set(constant[1], [...(pkg.enums.get(constant[1]) ?? []), constant[2]]);
  return i;
}

function parseImports(pkg: GoPackage, lines: string[], i: number): number {
  for (i++; !lines[i].startsWith(')'); i++) {
    const m = /^\s*(\w+)?\s*"([^"]+)"/.exec(lines[i]);
    if (m) pkg.imports.set(m[1] ?? m[2].split('/').pop()!, m[2]);
  }
  return i;
}

function parseStruct(pkg: GoPackage, name: string, lines: string[], i: number): number {
  const struct: GoStruct = { fields: [] };
  let fieldComments: string[] = [];
  for (i++; !lines[i].startsWith('}'); i++) {
    const line = lines[i];
    if (/^\s*\/\//.test(line)) {
      fieldComments.push(line.replace(/^\s*\/\/ ?/, ''));
      continue;
    }
    const m = /^\s*(?:(\w+)\s+)?([^`\s][^`]*?)\s*`([^`]*)`/.exec(line);
    if (m) struct.fields.push(goField(m[1], m[2], m[3], fieldComments));
    fieldComments = [];
  }
  pkg.structs.set(name, struct);
  return i;
}

function goField(name: string | undefined, expr: string, tags: string, comments: string[]): GoField {
  const json = /json:"([^"]*)"/.exec(tags)?.[1] ?? '';
  return { name: name ?? expr.replace(/^\*/, '').split('.').pop()!, expr, json, tags, comments };
}

/** Builds definitions on demand, following references. */
class Model {
  readonly definitions = new Map<string, Definition>();

  constructor(private readonly packages: Map<string, GoPackage>) {}

  require(goPath: string, typeName: string): string {
    const pkg = this.packages.get(goPath);
    const name = `${prefixOf(goPath)}.${typeName}`;
    if (SPECIAL[name]) this.definitions.set(name, SPECIAL[name]);
    if (this.definitions.has(name)) return name;
    const struct = pkg?.structs.get(typeName);
    if (!pkg || !struct) throw new Error(`unknown struct ${goPath}.${typeName}`);
    const definition: Definition = { properties: {} };
    this.definitions.set(name, definition);
    this.addFields(pkg, struct, definition);
    if (definition.required?.length === 0) delete definition.required;
    return name;
  }

  requireByName(name: string): void {
    const { goPath, typeName } = goTypeOf(this.packages, name);
    this.require(goPath, typeName);
  }

  private addFields(pkg: GoPackage, struct: GoStruct, definition: Definition): void {
    for (const field of struct.fields) {
      const [jsonName, ...options] = field.json.split(',');
      if (jsonName === '-') continue;
      if (jsonName === '' && options.includes('inline')) this.inline(pkg, field, definition);
      else if (jsonName !== '') this.addField(pkg, field, jsonName, options, definition);
    }
  }

  private inline(pkg: GoPackage, field: GoField, definition: Definition): void {
    const { goPath, typeName } = qualify(pkg, field.expr.replace(/^\*/, ''));
    const inner = this.packages.get(goPath);
    const struct = inner?.structs.get(typeName);
    if (!inner || !struct) throw new Error(`cannot inline ${field.expr}`);
    this.addFields(inner, struct, definition);
  }

  private addField(pkg: GoPackage, field: GoField, jsonName: string, options: string[], definition: Definition): void {
    const resolved = this.typeOf(pkg, field.expr);
    const out: Field = { type: resolved.type };
    Object.assign(out, patchTags(field.tags), markers(field.comments));
    if (resolved.enum) out.enum = resolved.enum;
    definition.properties![jsonName] = out;
    const optional = options.includes('omitempty') || field.comments.some((c) => c.trim() === '+optional');
    if (!optional || field.comments.some((c) => c.trim() === '+required')) (definition.required ??= []).push(jsonName);
  }

  /** Encodes a Go type expression: scalar, '#definition', '[]elem' or '{}value'. */
  typeOf(pkg: GoPackage, expr: string): { type: string; enum?: string[] } {
    expr = expr.replace(/^\*/, '');
    if (expr === '[]byte') return { type: 'string/byte' };
    if (expr.startsWith('[]')) return { type: `[]${this.typeOf(pkg, expr.slice(2)).type}` };
    const map = /^map\[[^\]]+\](.+)$/.exec(expr);
    if (map) return { type: `{}${this.typeOf(pkg, map[1]).type}` };
    const builtin = BUILTINS[expr];
    if (builtin) return { type: builtin };
    return this.namedType(pkg, expr);
  }

  private namedType(pkg: GoPackage, expr: string): { type: string; enum?: string[] } {
    const { goPath, typeName } = qualify(pkg, expr);
    const alias = SCALAR_ALIASES[`${goPath}.${typeName}`];
    if (alias) return { type: alias };
    const special = `${prefixOf(goPath)}.${typeName}`;
    if (SPECIAL[special]) return { type: `#${this.require(goPath, typeName)}` };
    const target = this.packages.get(goPath);
    if (!target) throw new Error(`package ${goPath} not loaded (for ${expr})`);
    if (target.structs.has(typeName)) return { type: `#${this.require(goPath, typeName)}` };
    const named = target.named.get(typeName);
    if (!named) throw new Error(`unknown type ${goPath}.${typeName}`);
    const resolved = this.typeOf(target, named.expr);
    const isEnum = named.comments.some((c) => c.trim() === '+enum') && target.enums.has(typeName);
    return isEnum ? { ...resolved, enum: target.enums.get(typeName) } : resolved;
  }
}

/** The Go package and type of a definition name ('io.k8s.api.core.v1.Pod'). */
function goTypeOf(packages: Map<string, GoPackage>, name: string): { goPath: string; typeName: string } {
  const dot = name.lastIndexOf('.');
  const goPath = [...packages.keys()].find((p) => prefixOf(p) === name.slice(0, dot));
  if (!goPath) throw new Error(`unknown definition ${name}`);
  return { goPath, typeName: name.slice(dot + 1) };
}

/** The package and name a type expression ('Pod', 'metav1.ObjectMeta') refers to from `pkg`. */
function qualify(pkg: GoPackage, expr: string): { goPath: string; typeName: string } {
  const dot = expr.indexOf('.');
  if (dot < 0) return { goPath: pkg.goPath, typeName: expr };
  const goPath = pkg.imports.get(expr.slice(0, dot));
  if (!goPath) throw new Error(`unknown import ${expr} in ${pkg.goPath}`);
  return { goPath, typeName: expr.slice(dot + 1) };
}

const BUILTINS: Record<string, string> = {
  string: 'string', bool: 'boolean', int: 'integer/int32', int32: 'integer/int32', int64: 'integer/int64',
  uint32: 'integer/int32', uint64: 'integer/int64', float32: 'number/double', float64: 'number/double',
};

function patchTags(tags: string): Partial<Field> {
  const out: Partial<Field> = {};
  const strategy = /patchStrategy:"([^"]*)"/.exec(tags)?.[1];
  const mergeKey = /patchMergeKey:"([^"]*)"/.exec(tags)?.[1];
  if (strategy) out.patchStrategy = strategy;
  if (mergeKey) out.patchMergeKey = mergeKey;
  return out;
}

function markers(comments: string[]): Partial<Field> {
  const out: Partial<Field> = {};
  for (const c of comments.map((line) => line.trim())) {
    const m = /^\+(listType|listMapKey|mapType)=(\S+)$/.exec(c);
    if (!m) continue;
    if (m[1] === 'listMapKey') (out.listMapKeys ??= []).push(m[2]);
    else out[m[1] as 'listType' | 'mapType'] = m[2];
  }
  return out;
}

/** One message field as control-plane/apiserver/protobuf/message-schema.ts describes it. */
interface ProtoField {
  n: number;
  name?: string;
  type: string;
  omitempty?: true;
  pointer?: true;
}

/**
 * The field number of a `protobuf:"<wire>,<number>,<opt|rep>,name=…"` struct tag. Only the number
 * is read: go-to-protobuf derives wire type and cardinality from the Go type, and generated.proto
 * follows the type where a tag is stale (SecretVolumeSource.defaultMode is tagged "bytes" but is an
 * int32; ISCSI portals is tagged "opt" but is repeated).
 */
function protobufFieldNumber(tags: string): number | undefined {
  const m = /protobuf:"\w+,(\d+)/.exec(tags);
  return m ? Number(m[1]) : undefined;
}

/** Go scalar → protobuf scalar, as go-to-protobuf maps them (Go int is int64 on the wire). */
const PROTO_SCALARS: Record<string, string> = {
  string: 'string', bool: 'bool', int: 'int64', int32: 'int32', int64: 'int64', uint32: 'uint32', uint64: 'uint64',
  float32: 'float', float64: 'double',
};

/** Builds the protobuf description of each struct reachable from the roots, following references. */
class ProtoModel {
  readonly messages = new Map<string, ProtoField[]>();

  constructor(private readonly packages: Map<string, GoPackage>) {}

  require(goPath: string, typeName: string): string {
    const name = `${prefixOf(goPath)}.${typeName}`;
    if (SPECIAL[name] || this.messages.has(name)) return name;
    const pkg = this.packages.get(goPath);
    const struct = pkg?.structs.get(typeName);
    if (!pkg || !struct) throw new Error(`unknown struct ${goPath}.${typeName}`);
    const fields: ProtoField[] = [];
    this.messages.set(name, fields);
    for (const field of struct.fields) {
      const out = this.field(pkg, field);
      if (out) fields.push(out);
    }
    return name;
  }

  requireByName(name: string): void {
    const { goPath, typeName } = goTypeOf(this.packages, name);
    this.require(goPath, typeName);
  }

  /** A field with its JSON member; an inlined struct (json:",inline") is a nested message without a name. */
  private field(pkg: GoPackage, field: GoField): ProtoField | undefined {
    const [jsonName, ...options] = field.json.split(',');
    const inline = jsonName === '' && options.includes('inline');
    const n = protobufFieldNumber(field.tags);
    if (jsonName === '-' || (n === undefined && inline && field.name === 'TypeMeta')) return undefined;
    if (n === undefined || (jsonName === '' && !inline)) throw new Error(`${pkg.goPath}: field ${field.name} has no protobuf tag or JSON name`);
    const out: ProtoField = { n, type: this.typeOf(pkg, field.expr) };
    if (!inline) out.name = jsonName;
    if (options.includes('omitempty')) out.omitempty = true;
    if (field.expr.startsWith('*')) out.pointer = true;
    return out;
  }

  /** Encodes a Go type expression as a protobuf type: scalar, '#message', '[]elem', '{}value' or '@elem'. */
  typeOf(pkg: GoPackage, expr: string): string {
    expr = expr.replace(/^\*/, '');
    if (expr === '[]byte') return 'bytes';
    if (expr.startsWith('[]')) return `[]${this.typeOf(pkg, expr.slice(2))}`;
    const map = /^map\[([^\]]+)\](.+)$/.exec(expr);
    if (map && this.typeOf(pkg, map[1]) !== 'string') throw new Error(`map key ${map[1]} is not a string`);
    if (map) return `{}${this.typeOf(pkg, map[2])}`;
    return PROTO_SCALARS[expr] ?? this.namedType(pkg, expr);
  }

  private namedType(pkg: GoPackage, expr: string): string {
    const { goPath, typeName } = qualify(pkg, expr);
    const name = `${prefixOf(goPath)}.${typeName}`;
    if (SPECIAL[name]) return `#${name}`;
    if (name === `${META}.Duration`) throw new Error('metav1.Duration has no protobuf decoder yet');
    const alias = SCALAR_ALIASES[`${goPath}.${typeName}`];
    if (alias) return alias === '[]string' ? '@string' : alias;
    const target = this.packages.get(goPath);
    if (!target) throw new Error(`package ${goPath} not loaded (for ${expr})`);
    if (target.structs.has(typeName)) return `#${this.require(goPath, typeName)}`;
    const named = target.named.get(typeName);
    if (!named) throw new Error(`unknown type ${goPath}.${typeName}`);
    const resolved = this.typeOf(target, named.expr);
    // go-to-protobuf gives a named slice (ExtraValue) a message of its own: `repeated <elem> items = 1`.
    return resolved.startsWith('[]') ? `@${resolved.slice(2)}` : resolved;
  }
}

function renderProtobuf(messages: Map<string, ProtoField[]>): string {
  const sorted = [...messages.entries()].sort(([a], [b]) => a.localeCompare(b));
  return [
    '/**',
    ' * Protobuf messages of the built-in kinds: field numbers and the JSON member each field becomes,',
    ' * generated by scripts/gen-api-definitions.ts from the `protobuf:"…"` struct tags of k8s.io/api and',
    ' * k8s.io/apimachinery v0.32.0 (the facts generated.proto states). Do not edit by hand.',
    ' */',
    "import type { ProtoField } from './message-schema';",
    '',
    '/** Messages by OpenAPI definition name (io.k8s.api.core.v1.Pod), fields in Go declaration order. */',
    'export const K8S_MESSAGES: Record<string, readonly ProtoField[]> = {',
    ...sorted.map(([name, fields]) => `  ${JSON.stringify(name)}: ${JSON.stringify(fields)},`),
    '};',
    '',
  ].join('\n');
}

function render(definitions: Map<string, Definition>, roots: typeof ROOTS): string {
  const sorted = [...definitions.entries()].sort(([a], [b]) => a.localeCompare(b));
  const kinds = roots.map((r) => `  '${r.apiVersion}/${r.kind}': '${prefixOf(`k8s.io/api/${r.pkg}`)}.${r.kind}',`);
  return [
    '/**',
    ' * Field model of the built-in kinds: names, JSON types, formats, required fields, enums, list and',
    ' * map markers and strategic-merge-patch tags, generated by scripts/gen-api-definitions.ts from the',
    ' * Go type declarations of k8s.io/api and k8s.io/apimachinery v0.32.0. Structural facts only: no',
    ' * documentation text. Do not edit by hand.',
    ' */',
    "import type { ApiDefinition } from './api-definition';",
    '',
    '/** Definitions by OpenAPI name (io.k8s.api.core.v1.Pod). */',
    `export const K8S_DEFINITIONS: Record<string, ApiDefinition> = {`,
    ...sorted.map(([name, def]) => `  ${JSON.stringify(name)}: ${JSON.stringify(def)},`),
    '};',
    '',
    "/** Definition name of each generated kind, by 'apiVersion/Kind'. */",
    'export const K8S_KINDS: Record<string, string> = {',
    ...kinds,
    '};',
    '',
  ].join('\n');
}

main();
